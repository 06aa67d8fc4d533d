import { hash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Queryable } from '../db/database.js';
import { WriteBatcher } from '../db/write-batcher.js';
import type { Logger } from '../logging.js';
import { ukDate } from './knowledge-base.js';
import type { KnowledgeOutcome } from './types.js';

export type GapOutcome = Exclude<KnowledgeOutcome, 'answered'>;

/**
 * The digest a question is counted under: SHA-256 of its words, lower-case, in order, so that "How do I...?"
 * and "how do i ..." count together. Unkeyed on purpose, so that `kb gaps` can name the digests of questions
 * it knows (the evaluation sets); nothing else can be read back from it.
 */
export function questionDigest(question: string): string {
  const words = question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return hash('sha256', words.join(' '), 'base64url');
}

interface GapCount {
  day: string;
  digest: string;
  outcome: GapOutcome;
  asked: number;
}

/** Adds to the day's counts, one statement for many; counts for the same row in one batch are summed first. */
export async function addGapCounts(db: Queryable, counts: readonly GapCount[]): Promise<void> {
  const merged = new Map<string, GapCount>();
  for (const c of counts) {
    const key = `${c.day} ${c.digest} ${c.outcome}`;
    const seen = merged.get(key);
    if (seen) seen.asked += c.asked;
    else merged.set(key, { ...c });
  }
  const rows = [...merged.values()];
  await db.query(
    `insert into knowledge_gaps (day, digest, outcome, asked)
     select * from unnest($1::date[], $2::text[], $3::text[], $4::int[])
     on conflict (day, digest, outcome) do update set asked = knowledge_gaps.asked + excluded.asked`,
    [rows.map((r) => r.day), rows.map((r) => r.digest), rows.map((r) => r.outcome), rows.map((r) => r.asked)],
  );
}

export interface GapTotal {
  digest: string;
  choices: number;
  declined: number;
}

/** Most asked first: each digest's counts since a UK day (inclusive). */
export async function gapTotalsSince(db: Queryable, since: string): Promise<GapTotal[]> {
  const { rows } = await db.query<{ digest: string; choices: string; declined: string }>(
    `select digest,
            coalesce(sum(asked) filter (where outcome = 'choices'), 0) as choices,
            coalesce(sum(asked) filter (where outcome = 'declined'), 0) as declined
       from knowledge_gaps where day >= $1::date
      group by digest order by sum(asked) desc, digest`,
    [since],
  );
  return rows.map((r) => ({ digest: r.digest, choices: Number(r.choices), declined: Number(r.declined) }));
}

/**
 * Counts every decline and every choice offered, per day, by the question's digest. Counting never fails or
 * holds up a patient's turn beyond its write: a failed write is logged (without the question) and dropped.
 */
export class KnowledgeGapCounter {
  private readonly batcher: WriteBatcher<GapCount>;

  constructor(private readonly deps: { db: Queryable; clock: Clock; logger: Logger }) {
    this.batcher = new WriteBatcher<GapCount>(async (items): Promise<void[]> => {
      await addGapCounts(deps.db, items);
      return items.map(() => undefined);
    });
  }

  async count(question: string, outcome: GapOutcome): Promise<void> {
    try {
      await this.batcher.add({ day: ukDate(this.deps.clock.now()), digest: questionDigest(question), outcome, asked: 1 });
    } catch (err) {
      this.deps.logger.warn({ problem: (err as Error).message, outcome }, 'knowledge gap not counted');
    }
  }
}
