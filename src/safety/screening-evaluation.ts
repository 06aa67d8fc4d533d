import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseJsonLines } from '../knowledge/evaluation.js';
import type { EmergencyScreen } from './emergency-screen.js';

/** A labelled message of a screening set (knowledge/eval/screening/*.jsonl). */
export const screeningCaseSchema = z.object({
  q: z.string().trim().min(1),
  emergency: z.boolean(),
  kind: z.string().min(1).default('routine'),
  /** The NHS Pathways life-threatening checks and suicidal intent: these must all be caught. */
  lifeThreatening: z.boolean().default(false),
  /** For a non-emergency: what makes it hard (negation, warning-sign-question, past, figure-of-speech, planning...). */
  hard: z.string().default(''),
});
export type ScreeningCase = z.infer<typeof screeningCaseSchema> & { line: number };

export async function readScreeningCases(file: string): Promise<ScreeningCase[]> {
  return parseJsonLines(await readFile(file, 'utf8'), file, screeningCaseSchema);
}

export interface Rate {
  hit: number;
  of: number;
}

export interface ScreeningFigures {
  cases: number;
  /** Emergencies that took the emergency path (999 at once and an emergency item). */
  sensitivity: Rate;
  /** Emergencies that were at least asked the check question (which also says to call 999 if so). */
  caughtOrAsked: Rate;
  lifeThreatening: Rate;
  /** Non-emergencies left without an emergency reply. */
  specificity: Rate;
  /** Non-emergencies that were asked the check question (no 999 alarm, but a question and an urgent item). */
  calmAsked: Rate;
  byKind: Record<string, { emergencies: Rate; calm: Rate }>;
  byHard: Record<string, Rate>;
  /** What was missed or raised wrongly, with its line, for tuning (never for a set kept unseen). */
  misses: { line: number; q: string; expected: boolean; got: 'emergency' | 'asked' | 'calm'; kind: string }[];
  latencyUs: { median: number; p99: number };
}

export function evaluateScreening(screen: EmergencyScreen, cases: ScreeningCase[]): ScreeningFigures {
  const rate = (): Rate => ({ hit: 0, of: 0 });
  const figures: ScreeningFigures = {
    cases: cases.length, sensitivity: rate(), caughtOrAsked: rate(), lifeThreatening: rate(), specificity: rate(), calmAsked: rate(),
    byKind: {}, byHard: {}, misses: [], latencyUs: { median: 0, p99: 0 },
  };
  const times: number[] = [];
  for (const c of cases) {
    const started = process.hrtime.bigint();
    const result = screen.screen(c.q);
    times.push(Number(process.hrtime.bigint() - started) / 1000);
    const got = result.emergency ? 'emergency' : result.uncertain ? 'asked' : 'calm';
    const kind = (figures.byKind[c.kind] ??= { emergencies: rate(), calm: rate() });
    const count = (r: Rate, hit: boolean) => {
      r.of++;
      if (hit) r.hit++;
    };
    if (c.emergency) {
      count(figures.sensitivity, got === 'emergency');
      count(figures.caughtOrAsked, got !== 'calm');
      count(kind.emergencies, got === 'emergency');
      if (c.lifeThreatening) count(figures.lifeThreatening, got === 'emergency');
    } else {
      count(figures.specificity, got !== 'emergency');
      count(figures.calmAsked, got === 'asked');
      count(kind.calm, got !== 'emergency');
      count((figures.byHard[c.hard || 'plain'] ??= rate()), got !== 'emergency');
    }
    if ((c.emergency && got !== 'emergency') || (!c.emergency && got !== 'calm')) figures.misses.push({ line: c.line, q: c.q, expected: c.emergency, got, kind: c.kind });
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0);
  figures.latencyUs = { median: at(0.5), p99: at(0.99) };
  return figures;
}

export const percent = (r: Rate) => (r.of === 0 ? 'n/a' : `${r.hit}/${r.of} ${((100 * r.hit) / r.of).toFixed(1)}%`);

/** The report `kb eval` prints for one screening set. */
export function describeScreening(file: string, f: ScreeningFigures, misses: boolean): string {
  const lines = [
    `${file}: ${f.cases} messages`,
    `  sensitivity ${percent(f.sensitivity)} (life-threatening and suicidal ${percent(f.lifeThreatening)}; caught or asked ${percent(f.caughtOrAsked)})`,
    `  specificity ${percent(f.specificity)} (asked the check question: ${percent(f.calmAsked)})`,
    `  screening time per message: median ${f.latencyUs.median} µs, p99 ${f.latencyUs.p99} µs`,
    '  by kind            emergencies caught      calm left alone',
  ];
  for (const [kind, k] of Object.entries(f.byKind).sort()) lines.push(`  ${kind.padEnd(26)} ${percent(k.emergencies).padEnd(16)} ${percent(k.calm)}`);
  lines.push('  hard negatives left alone: ' + Object.entries(f.byHard).sort().map(([h, r]) => `${h} ${percent(r)}`).join(', '));
  if (misses) for (const m of f.misses) lines.push(`  ${m.line}: [${m.kind}] expected ${m.expected ? 'emergency' : 'calm'}, got ${m.got}: ${JSON.stringify(m.q)}`);
  return lines.join('\n');
}
