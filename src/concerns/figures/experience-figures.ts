import type { Queryable } from '../../db/database.js';
import { PATHWAYS } from '../model.js';
import type { Priority } from '../priority.js';
import { ageAgainstTarget } from '../target-time.js';
import type { WorkingHours } from '../working-hours.js';
import { lastIsoWeeks, type IsoWeek } from './iso-weeks.js';

/** A concern with no pathway in its details (an emergency raised from a red flag, for one). */
export const NO_PATHWAY = 'not-given';

/** The patient-experience figures for one group: a pathway in a week, all pathways in a week, or a pathway over the period. */
export interface Figures {
  /** A pathway, NO_PATHWAY, or undefined for all pathways together. */
  pathway: string | undefined;
  /** An ISO week ("2026-W49"), or undefined for the whole period. */
  week: string | undefined;
  /** Concerns raised. */
  raised: number;
  /** Of those, contacted (a first 'claimed' or 'reply' event). */
  contacted: number;
  /** Median minutes, on the clock, from raised to first contact; undefined with no contact. */
  medianMinutesToContact: number | undefined;
  /** First contact within the target (target-time.ts), and past it (contacted late, or not yet and already past). */
  withinTarget: number;
  pastTarget: number;
  /** withinTarget / (withinTarget + pastTarget); undefined when both are 0 (those still in their target are not counted). */
  proportionWithinTarget: number | undefined;
  /** Concerns ever resolved, and of those resolved and never reopened. */
  resolved: number;
  resolvedFirstTime: number;
  proportionResolvedFirstTime: number | undefined;
  /** Feedback given (concern_feedback), its mean and how many gave each score 1 to 5. */
  feedbackCount: number;
  feedbackMean: number | undefined;
  scores: [number, number, number, number, number];
  /** Priority raised for repeat contact ('priority-raised' events, reason 'repeat-contact'). */
  repeatContacts: number;
}

export interface ExperienceFigures {
  weeks: IsoWeek[];
  /** The pathways that have any figure in the period (or the one asked for), in the order of PATHWAYS. */
  pathways: string[];
  /** One row per pathway and week (zeros where nothing happened): what the CSV holds. */
  byPathwayAndWeek: Figures[];
  /** All the pathways asked for, per week. */
  byWeek: Figures[];
  /** Each pathway over the whole period. */
  byPathway: Figures[];
  /** Everything asked for, over the whole period. */
  total: Figures;
}

export interface FiguresQuery {
  now: Date;
  weeks: number;
  /** One pathway (or NO_PATHWAY); undefined: all. */
  pathway?: string;
  hours: WorkingHours;
}

/** A concern as the figures count it, worked out once (the working-time arithmetic is the costly part). */
interface ConcernFact {
  pathway: string;
  week: string;
  /** Minutes on the clock to first contact; undefined when not contacted yet. */
  minutesToContact: number | undefined;
  /** First contact within its target, past it (or not yet contacted and already past), or still in it. */
  target: 'within' | 'past' | 'pending';
  everResolved: boolean;
  resolvedFirstTime: boolean;
}
interface CountFact { pathway: string; week: string; n: number }
interface ScoreFact extends CountFact { score: number }

/** The local Monday of an instant's ISO week, as text: what every query groups by. */
const WEEK_OF = (column: string) => `to_char(date_trunc('week', ${column} at time zone $3), 'YYYY-MM-DD')`;
const PATHWAY_OF = `coalesce(nullif(c.details->>'pathway', ''), '${NO_PATHWAY}')`;

/**
 * Concerns raised in the period, each with its first contact and whether it was resolved first time. A concern
 * counts in the week it was raised; feedback in the week it was given; a repeat contact in the week the
 * priority was raised.
 */
const CONCERNS_SQL = `
select ${PATHWAY_OF} as pathway, ${WEEK_OF('c.created_at')} as week, c.priority, c.created_at as raised_at,
  e.first_contact_at,
  (c.status = 'resolved' or coalesce(e.resolved, false)) as ever_resolved,
  (c.status = 'resolved' and not coalesce(e.reopened, false)) as resolved_first_time
from concerns c
left join (
  -- One pass over the period's events (a concern's events are never older than it), not three lookups a concern.
  select concern_id, min(created_at) filter (where kind in ('claimed', 'reply')) as first_contact_at,
    bool_or(kind = 'resolved') as resolved, bool_or(kind = 'reopened') as reopened
  from concern_events
  where created_at >= $1 and kind in ('claimed', 'reply', 'resolved', 'reopened')
  group by concern_id
) e on e.concern_id = c.id
where c.created_at >= $1 and c.created_at < $2 and ($4::text is null or ${PATHWAY_OF} = $4)`;

const FEEDBACK_SQL = `
select coalesce(nullif(f.pathway, ''), '${NO_PATHWAY}') as pathway, ${WEEK_OF('f.created_at')} as week, f.score, count(*)::int as n
from concern_feedback f
where f.created_at >= $1 and f.created_at < $2 and ($4::text is null or coalesce(nullif(f.pathway, ''), '${NO_PATHWAY}') = $4)
group by 1, 2, 3`;

const REPEATS_SQL = `
select ${PATHWAY_OF} as pathway, ${WEEK_OF('e.created_at')} as week, count(*)::int as n
from concern_events e join concerns c on c.id = e.concern_id
where e.kind = 'priority-raised' and e.data->>'reason' = 'repeat-contact'
  and e.created_at >= $1 and e.created_at < $2 and ($4::text is null or ${PATHWAY_OF} = $4)
group by 1, 2`;

/**
 * The patient-experience figures by pathway and ISO week (on the team's calendar, WORKING_HOURS' time zone), for
 * the console's page and its CSV alike: three queries, then the same arithmetic for every grouping.
 */
export async function experienceFigures(db: Queryable, query: FiguresQuery): Promise<ExperienceFigures> {
  const weeks = lastIsoWeeks(query.now, query.weeks, query.hours.timeZone);
  const params = [weeks[0]!.start, weeks.at(-1)!.end, query.hours.timeZone, query.pathway ?? null];
  const [concernRows, feedbackRows, repeatRows] = await Promise.all([
    db.query<{ pathway: string; week: string; priority: Priority; raised_at: Date | string; first_contact_at: Date | string | null; ever_resolved: boolean; resolved_first_time: boolean }>(CONCERNS_SQL, params),
    db.query<{ pathway: string; week: string; score: number; n: number }>(FEEDBACK_SQL, params),
    db.query<{ pathway: string; week: string; n: number }>(REPEATS_SQL, params),
  ]);
  const weekOf = new Map(weeks.map((w) => [w.monday, w.label]));
  const label = (monday: string) => weekOf.get(monday) ?? monday;
  const concerns: ConcernFact[] = concernRows.rows.map((r) => {
    const raisedAt = new Date(r.raised_at);
    const contactAt = r.first_contact_at === null ? undefined : new Date(r.first_contact_at);
    const overdue = ageAgainstTarget(r.priority, raisedAt, contactAt ?? query.now, query.hours).overdue;
    return {
      pathway: r.pathway, week: label(r.week), minutesToContact: contactAt && (contactAt.getTime() - raisedAt.getTime()) / 60_000,
      target: overdue ? 'past' : contactAt ? 'within' : 'pending', everResolved: r.ever_resolved, resolvedFirstTime: r.resolved_first_time,
    };
  });
  const scores: ScoreFact[] = feedbackRows.rows.map((r) => ({ pathway: r.pathway, week: label(r.week), score: Number(r.score), n: Number(r.n) }));
  const repeats: CountFact[] = repeatRows.rows.map((r) => ({ pathway: r.pathway, week: label(r.week), n: Number(r.n) }));

  const seen = new Set([...concerns, ...scores, ...repeats].map((f) => f.pathway));
  if (query.pathway) seen.add(query.pathway);
  const order = [...PATHWAYS, NO_PATHWAY] as string[];
  const pathways = [...seen].sort((a, b) => (order.indexOf(a) + 1 || order.length + 1) - (order.indexOf(b) + 1 || order.length + 1) || a.localeCompare(b));

  // Each fact filed once under its pathway and week; the wider groupings gather those piles.
  const piles = new Map<string, { concerns: ConcernFact[]; scores: ScoreFact[]; repeats: CountFact[] }>();
  const pile = (pathway: string, week: string) => {
    const key = `${pathway}\n${week}`;
    let found = piles.get(key);
    if (!found) piles.set(key, (found = { concerns: [], scores: [], repeats: [] }));
    return found;
  };
  for (const c of concerns) pile(c.pathway, c.week).concerns.push(c);
  for (const s of scores) pile(s.pathway, s.week).scores.push(s);
  for (const r of repeats) pile(r.pathway, r.week).repeats.push(r);
  const figuresOf = (pathway: string | undefined, week: string | undefined) => {
    const chosen = [...piles].filter(([key]) => {
      const [p, w] = key.split('\n');
      return (pathway === undefined || p === pathway) && (week === undefined || w === week);
    }).map(([, found]) => found);
    return figures(pathway, week, chosen.flatMap((c) => c.concerns), chosen.flatMap((c) => c.scores), chosen.flatMap((c) => c.repeats));
  };
  return {
    weeks,
    pathways,
    byPathwayAndWeek: pathways.flatMap((p) => weeks.map((w) => figuresOf(p, w.label))),
    byWeek: weeks.map((w) => figuresOf(undefined, w.label)),
    byPathway: pathways.map((p) => figuresOf(p, undefined)),
    total: figuresOf(undefined, undefined),
  };
}

function figures(pathway: string | undefined, week: string | undefined, concerns: ConcernFact[], scores: ScoreFact[], repeats: CountFact[]): Figures {
  const waits = concerns.flatMap((c) => (c.minutesToContact === undefined ? [] : [c.minutesToContact]));
  const withinTarget = concerns.filter((c) => c.target === 'within').length;
  const pastTarget = concerns.filter((c) => c.target === 'past').length;
  const resolved = concerns.filter((c) => c.everResolved).length;
  const resolvedFirstTime = concerns.filter((c) => c.resolvedFirstTime).length;
  const distribution: Figures['scores'] = [0, 0, 0, 0, 0];
  for (const s of scores) if (s.score >= 1 && s.score <= 5) distribution[s.score - 1] = distribution[s.score - 1]! + s.n;
  const feedbackCount = distribution.reduce((a, b) => a + b, 0);
  const scoreSum = distribution.reduce((sum, n, i) => sum + n * (i + 1), 0);
  return {
    pathway, week, raised: concerns.length, contacted: waits.length, medianMinutesToContact: median(waits),
    withinTarget, pastTarget, proportionWithinTarget: ratio(withinTarget, withinTarget + pastTarget),
    resolved, resolvedFirstTime, proportionResolvedFirstTime: ratio(resolvedFirstTime, resolved),
    feedbackCount, feedbackMean: feedbackCount ? scoreSum / feedbackCount : undefined, scores: distribution,
    repeatContacts: repeats.reduce((sum, r) => sum + r.n, 0),
  };
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const ratio = (part: number, whole: number) => (whole ? part / whole : undefined);
