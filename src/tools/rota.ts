/**
 * Rota tool: `rota check [--weeks 8] [--file path] [--from YYYY-MM-DD]`. Reports problems in the rota file
 * (file:line) and gaps in cover over the coming weeks, as plain lines; exits 1 if there are any.
 */
import { config as loadDotenv } from 'dotenv';
import { systemClock } from '../clock.js';
import { parseConfig } from '../config.js';
import { checkRota } from '../oncall/rota-check.js';
import { readRotaFile, rotaPath } from '../oncall/rota-file.js';
import { dayNumber, instantAt } from '../oncall/wall-clock.js';

const USAGE = `usage: npm run rota -- check [--weeks N] [--file PATH] [--from YYYY-MM-DD[THH:MM]]
  --weeks  how many weeks ahead to check for gaps (default 8)
  --file   the rota file (default: ROTA_FILE, or rota.yaml in DATA_DIR, from the environment or .env)
  --from   check from this date (Europe/London) instead of now`;

async function main(argv: string[]): Promise<number> {
  const valueOf = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const valued = new Set(['--weeks', '--file', '--from'].map((f) => argv.indexOf(f) + 1).filter((i) => i > 0));
  const words = argv.filter((a, i) => !a.startsWith('--') && !valued.has(i));
  const unknown = argv.filter((a) => a.startsWith('--') && !['--weeks', '--file', '--from'].includes(a));
  if (words.join(' ') !== 'check' || unknown.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const weeks = Number(valueOf('--weeks') ?? 8);
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > 104) {
    console.error('--weeks takes a whole number from 1 to 104');
    return 2;
  }
  const from = valueOf('--from') === undefined ? systemClock.now() : londonTime(valueOf('--from')!);
  if (!from) {
    console.error('--from takes a date like 2026-12-21 or 2026-12-21T18:00 (Europe/London)');
    return 2;
  }

  let path = valueOf('--file');
  if (path === undefined) {
    loadDotenv({ quiet: true });
    const parsed = parseConfig(process.env);
    if (!parsed.ok) {
      for (const error of parsed.errors) console.error(`Configuration error: ${error}`);
      return 2;
    }
    path = rotaPath(parsed.config);
  }
  const result = checkRota(await readRotaFile(path), path, from, weeks);
  for (const line of result.lines) console.log(line);
  return result.failed ? 1 : 0;
}

function londonTime(text: string): Date | undefined {
  const m = text.match(/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/);
  const day = m ? dayNumber(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
  if (!m || day === undefined || Number(m[4] ?? 0) > 23 || Number(m[5] ?? 0) > 59) return undefined;
  return new Date(instantAt(day, Number(m[4] ?? 0) * 60 + Number(m[5] ?? 0), 'Europe/London'));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
