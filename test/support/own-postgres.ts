import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './server-process.js';

/** Debian's PostgreSQL binaries, newest first; undefined when not installed. */
function pgBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

/**
 * A throw-away PostgreSQL cluster of the test's own (freezing the shared TEST_DATABASE_URL server would stall
 * every other test using it). Needs Debian's postgresql and root (to run it as the postgres user, and to stop
 * and continue its processes). Undefined where that is not possible.
 */
export const canRunOwnPostgres = Boolean(pgBin()) && process.getuid?.() === 0;

export interface OwnPostgres {
  url: string;
  /** SIGSTOP to the postmaster and every process of the cluster: connections open, nothing answers. */
  freeze(): void;
  /** SIGCONT to the same. */
  thaw(): void;
  stop(): void;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = pgBin()!;
  // Not in the run's temporary folder: that is root's alone (0700), and the server runs as postgres. Removed by stop().
  const dir = mkdtempSync('/tmp/carepoint-own-pg-');
  chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), 0);
  const port = await freePort();
  const asPostgres = (command: string) => execFileSync('su', ['postgres', '-c', command], { stdio: 'pipe' });
  asPostgres(`${bin}/initdb -D ${dir}/data --auth=trust -U postgres >/dev/null`);
  asPostgres(`${bin}/pg_ctl -D ${dir}/data -o '-p ${port} -k ${dir} -c listen_addresses=127.0.0.1' -l ${dir}/log -w start >/dev/null`);
  const postmaster = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const cluster = () => [postmaster, ...childrenOf(postmaster)];
  let frozen: number[] = [];
  const own: OwnPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    freeze() {
      // The postmaster first, so that it forks nothing new while its children are being stopped.
      frozen = cluster();
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    },
    thaw() {
      for (const pid of [...frozen, ...cluster()]) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // gone meanwhile
        }
      }
      frozen = [];
    },
    stop() {
      own.thaw();
      asPostgres(`${bin}/pg_ctl -D ${dir}/data -m immediate stop >/dev/null`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return own;
}

function childrenOf(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid ...": comm may hold spaces, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) pids.push(Number(entry));
    } catch {
      // ended while listing
    }
  }
  return pids;
}
