import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging.js';
import { parseRota } from '../../src/oncall/parse-rota.js';
import type { Rota } from '../../src/oncall/rota.js';

export const PEOPLE = `people:
  - { id: sam, name: Sam Patel, phone: "+447700900101" }
  - { id: alex, name: Alex Morgan, phone: "+447700900102" }
  - { id: jo, name: Jo Williams, phone: "+447700900103" }
  - { id: kim, name: Kim Evans, phone: "+447700900104" }
`;
export const FINAL = 'final: { id: duty-manager, name: Duty manager, phone: "+447700900199" }\n';

/**
 * Cover all week: weekdays sam (backup alex), weeknights jo (sam), Friday and Saturday nights kim (jo),
 * weekend days alex (kim); over Christmas 2026 an override: alex (jo).
 */
export const FULL_ROTA = `timezone: Europe/London
${PEOPLE}shifts:
  - { days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00", primary: sam, backup: alex }
  - { days: [sun, mon, tue, wed, thu], from: "18:00", to: "08:00", primary: jo, backup: sam }
  - { days: [fri, sat], from: "18:00", to: "08:00", primary: kim, backup: jo }
  - { days: [sat, sun], from: "08:00", to: "18:00", primary: alex, backup: kim }
overrides:
  - { from: 2026-12-24T18:00, to: 2026-12-27T08:00, primary: alex, backup: jo }
${FINAL}`;

/** Weekdays and weeknights only: nobody from Friday 18:00 to Monday 08:00, nor on Sunday night. */
export const WEEKDAY_ROTA = `${PEOPLE}shifts:
  - { days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00", primary: sam, backup: alex }
  - { days: [mon, tue, wed, thu], from: "18:00", to: "08:00", primary: jo, backup: sam }
${FINAL}`;

export function rotaOf(text: string, file = 'rota.yaml'): Rota {
  const parsed = parseRota(text, file);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n'));
  return parsed.rota;
}

/** A folder of the test run's own (the run's TMPDIR is removed at the end). */
export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'carepoint-rota-'));
}

export async function writeRota(dir: string, text: string, name = 'rota.yaml'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/** A logger whose lines a test can read, and wait for. */
export function capturingLogger() {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const waiting: { test: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const text of String(chunk).split('\n').filter(Boolean)) {
        raw.push(text);
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        for (const w of [...waiting]) {
          if (w.test(line)) {
            waiting.splice(waiting.indexOf(w), 1);
            w.resolve(line);
          }
        }
      }
      done();
    },
  });
  return {
    logger: createLogger({ level: 'info', destination }),
    lines,
    /** Everything written, as written. */
    text: () => raw.join('\n'),
    /** The next line (from now) that passes the test. */
    next: (test: (line: LogLine) => boolean) => new Promise<LogLine>((resolve) => waiting.push({ test, resolve })),
  };
}
