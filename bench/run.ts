import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort } from '../test/support/server-process.js';

/**
 * `npm run bench`: full Carepoint turns (a knowledge question; conversation state read and written in
 * PGlite) against a bare botbuilder echo bot on the same stack, 16 connections, median of several runs
 * taken in turns, and the knowledge base's own latency. Two kinds of Carepoint turn: the same few questions
 * again and again (the answer cache serves them), and unique wordings, every request different as real
 * messages are, so that the cache serves none. Prints JSON. `--only screening` or `--only knowledge` runs
 * that part alone.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 16;
// Answered and unanswered questions alternate, so every turn changes conversation state and writes it.
const QUESTIONS = [
  'how do i order my repeat prescription', 'what is the capital of france', 'what does my egfr mean',
  'can you book me a table for two', 'how do i look after my fistula', 'whats the weather tomorrow',
];

/**
 * Unique wordings: the evaluation set's questions (emergencies left out: the screen would raise queue items),
 * each with one of several openings and endings. The combinations come in a cycle far longer than the answer
 * cache (1,000), so no request is ever answered from it.
 */
const OPENINGS = ['', 'hi', 'hello there', 'quick question', 'sorry to bother you', 'morning', 'can you help', 'please', 'hiya', 'excuse me'];
const ENDINGS = ['', 'thanks', 'thank you', 'cheers', 'ta', 'many thanks', 'thanks a lot', 'x', 'if you can', 'asap'];
const EVAL_QUESTIONS = readFileSync(new URL('../knowledge/eval/eval.jsonl', import.meta.url), 'utf8').split('\n').filter(Boolean)
  .map((line) => JSON.parse(line) as { q: string; emergency?: boolean }).filter((c) => !c.emergency).map((c) => c.q);
function uniqueWording(n: number): string {
  const q = EVAL_QUESTIONS[n % EVAL_QUESTIONS.length]!;
  const rest = Math.floor(n / EVAL_QUESTIONS.length);
  const opening = OPENINGS[rest % OPENINGS.length]!;
  const ending = ENDINGS[Math.floor(rest / OPENINGS.length) % ENDINGS.length]!;
  return [opening, q, ending].filter(Boolean).join(' ');
}
type Wording = 'repeated' | 'unique';

async function startProcess(entry: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { child, url };
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${entry} did not become ready`);
}

let runs = 0;

// One count across all unique-wording runs, so that no wording comes round again within the invocation.
let uniqueCount = 0;

function load(url: string, wording: Wording = 'repeated'): Promise<autocannon.Result> {
  let n = 0;
  const run = ++runs;
  return autocannon({
    url: `${url}/api/messages`,
    connections: CONNECTIONS,
    duration: SECONDS,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        // autocannon resets its context for every request, so conversations come from a fixed pool instead:
        // after the first round every turn continues an existing conversation, reading and writing its state.
        setupRequest: (request) => {
          n++;
          const conversation = `bench-${run}-${n % CONNECTIONS}`;
          return {
            ...request,
            body: JSON.stringify({
              type: 'message', id: `bench-${run}-${n}`,
              text: wording === 'unique' ? uniqueWording(uniqueCount++) : QUESTIONS[Math.floor(n / CONNECTIONS) % QUESTIONS.length],
              channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9', from: { id: `user-${conversation}` },
              recipient: { id: 'bot' }, conversation: { id: conversation }, deliveryMode: 'expectReplies',
            }),
          };
        },
      },
    ],
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Target {
  name: string;
  wording: Wording;
  child: ChildProcess;
  url: string;
  runs: autocannon.Result[];
  /** CPU seconds per thread, and of this load generator, summed over the measured runs only. */
  threadSeconds: Map<string, number>;
  clientSeconds: number;
  seconds: number;
}

async function start(name: string, entry: string, env: Record<string, string>): Promise<Target> {
  const { child, url } = await startProcess(entry, env);
  await load(url); // warm-up: JIT, caches, first state rows
  return { name, wording: 'repeated', child, url, runs: [], threadSeconds: new Map(), clientSeconds: 0, seconds: 0 };
}

/** The same server driven with unique wordings: its own runs and figures. */
function withUniqueWordings(target: Target): Target {
  return { ...target, name: `${target.name}, unique wordings`, wording: 'unique', runs: [], threadSeconds: new Map(), clientSeconds: 0, seconds: 0 };
}

async function measureOnce(target: Target): Promise<void> {
  const pid = target.child.pid!;
  const before = threadCpuSeconds(pid);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  target.runs.push(await load(target.url, target.wording));
  target.seconds += (performance.now() - started) / 1000;
  const client = process.cpuUsage(clientBefore);
  target.clientSeconds += (client.user + client.system) / 1e6;
  for (const [tid, s] of threadCpuSeconds(pid)) target.threadSeconds.set(tid, (target.threadSeconds.get(tid) ?? 0) + s - (before.get(tid) ?? 0));
}

async function stop(target: Target, kill = true) {
  const { child, runs } = target;
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const mib = (field: string) => Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
  if (kill) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    // A shutdown that stalls must not hang the bench.
    const stalled = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(stalled);
  }
  const errors = runs.reduce((sum, r) => sum + r.errors + r.non2xx, 0);
  return {
    name: target.name,
    requestsPerSecond: median(runs.map((r) => r.requests.average)),
    p50Ms: median(runs.map((r) => r.latency.p50)),
    p99Ms: median(runs.map((r) => r.latency.p99)),
    errors,
    // The peak includes start-up (PGlite's initdb on a new data directory); the end is what serving holds.
    peakRssMiB: mib('VmHWM'),
    rssAtEndMiB: mib('VmRSS'),
    // Where the CPU went while measuring: the server's main thread, its busiest other thread (Carepoint's
    // database thread), the rest (V8's garbage collection and compiler threads), and this load generator.
    cpuCores: { ...coresUsed(target.threadSeconds, child.pid!, target.seconds), loadGenerator: round2(target.clientSeconds / target.seconds) },
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** CPU seconds so far of each thread of a process, from /proc (Linux). */
function threadCpuSeconds(pid: number): Map<string, number> {
  const ticksPerSecond = 100; // USER_HZ on Linux
  const seconds = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    // Fields after the command name: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    seconds.set(tid, (Number(fields[11]) + Number(fields[12])) / ticksPerSecond);
  }
  return seconds;
}

function coresUsed(seconds: Map<string, number>, pid: number, elapsed: number) {
  const used = [...seconds].map(([tid, s]) => ({ tid, cores: s / elapsed }));
  const main = used.find((u) => u.tid === String(pid))?.cores ?? 0;
  const others = used.filter((u) => u.tid !== String(pid)).sort((a, b) => b.cores - a.cores);
  const busiest = others[0]?.cores ?? 0;
  const rest = others.slice(1).reduce((sum, u) => sum + u.cores, 0);
  return { server: round2(main + busiest + rest), mainThread: round2(main), busiestOtherThread: round2(busiest), otherThreads: round2(rest) };
}

// `npm run bench -- --only screening` (or knowledge): that part alone, without the servers.
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
if (only === 'screening' || only === 'knowledge') {
  const part = only === 'screening' ? await (await import('./screening-bench.js')).runScreeningBench() : await (await import('./knowledge-bench.js')).runKnowledgeBench();
  console.log(JSON.stringify({ [only]: part }, null, 2));
  process.exit(0);
}
if (only !== undefined) throw new Error(`--only takes screening or knowledge, not ${only}`);

// Runs take turns (Carepoint, the echo bot, Carepoint...), so that both meet the same conditions on a
// shared machine whose speed drifts; each figure is the median of its runs.
const dataDir = mkdtempSync(join(tmpdir(), 'carepoint-bench-'));
const embedded = await start('carepoint (embedded PGlite)', 'src/main.ts', { DATA_DIR: dataDir });
const targets = [embedded, withUniqueWordings(embedded)];
// The same turns with storage on a PostgreSQL server, where one is given (BENCH_DATABASE_URL).
if (process.env.BENCH_DATABASE_URL) {
  targets.push(await start('carepoint (PostgreSQL server)', 'src/main.ts', { DATABASE_URL: process.env.BENCH_DATABASE_URL, DATA_DIR: tmpdir() }));
}
targets.push(await start('echo-bot', 'bench/echo-bot.ts', {}));
for (let i = 0; i < RUNS; i++) for (const target of targets) await measureOnce(target);
const results = [];
// The unique-wording target shares its process with the repeated one: read it first, then stop the process.
results.push(await stop(targets[1]!, false), await stop(targets[0]!));
for (const target of targets.slice(2)) results.push(await stop(target));
rmSync(dataDir, { recursive: true, force: true });
const unique = results[0]!;
const carepoint = results[1]!;
const echo = results.at(-1)!;
const onServer = results.length === 4 ? results[2] : undefined;
// What the screen made of the unique wordings sent: an emergency or an uncertain risk costs its turn a queue item
// (and its pages), so their share says what kind of traffic the row measured.
const { readKnowledgeFiles } = await import('../src/knowledge/load-knowledge.js');
const { createEmergencyScreen } = await import('../src/safety/emergency-screen.js');
const { redFlags } = await readKnowledgeFiles(fileURLToPath(new URL('../knowledge', import.meta.url)));
const screen = createEmergencyScreen(() => redFlags!);
const screened = { messages: uniqueCount, emergencies: 0, uncertain: 0 };
for (let n = 0; n < uniqueCount; n++) {
  const result = screen.screen(uniqueWording(n));
  if (result.emergency) screened.emergencies++;
  else if (result.uncertain) screened.uncertain++;
}
const { runKnowledgeBench } = await import('./knowledge-bench.js');
const knowledge = await runKnowledgeBench();
const { runScreeningBench } = await import('./screening-bench.js');
const screening = await runScreeningBench();
console.log(JSON.stringify({
  connections: CONNECTIONS, runs: RUNS, secondsPerRun: SECONDS,
  carepoint, carepointUniqueWordings: unique, uniqueWordingsScreened: screened, carepointOnPostgres: onServer, echo,
  throughputVsEcho: Math.round((carepoint.requestsPerSecond / echo.requestsPerSecond) * 100) / 100,
  uniqueWordingsVsEcho: Math.round((unique.requestsPerSecond / echo.requestsPerSecond) * 100) / 100,
  throughputVsEchoOnPostgres: onServer ? Math.round((onServer.requestsPerSecond / echo.requestsPerSecond) * 100) / 100 : undefined,
  knowledge,
  screening,
}, null, 2));
