import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Problem } from '../knowledge/yaml-lines.js';
import type { Logger } from '../logging.js';
import { parseRota } from './parse-rota.js';
import type { Rota } from './rota.js';

/** What callers hold: the rota in force (undefined: no rota, so no one is on call), and news of changes. */
export interface RotaSource {
  current(): Rota | undefined;
  /** Called with the rota in force after each change to it; returns a function that stops the calls. */
  onChange(listener: (rota: Rota | undefined) => void): () => void;
}

export interface RotaFile extends RotaSource {
  /** Reads the file again now (the watcher does this after an edit); resolves once done, whatever it found. */
  reload(): Promise<void>;
  /** Stops watching. */
  close(): Promise<void>;
}

export const ROTA_FILE_NAME = 'rota.yaml';

/** ROTA_FILE if set, else rota.yaml in DATA_DIR. */
export function rotaPath(settings: { ROTA_FILE?: string | undefined; DATA_DIR: string }): string {
  return settings.ROTA_FILE ?? join(settings.DATA_DIR, ROTA_FILE_NAME);
}

export type RotaRead =
  | { status: 'missing' }
  | { status: 'invalid'; problems: Problem[]; digest: string }
  | { status: 'valid'; rota: Rota; digest: string };

/** Reads and checks the rota file; a file that is not there is no rota, not an error. */
export async function readRotaFile(path: string): Promise<RotaRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    throw err;
  }
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const parsed = parseRota(text, path);
  return parsed.ok ? { status: 'valid', rota: parsed.rota, digest } : { status: 'invalid', problems: parsed.problems, digest };
}

export interface RotaFileOptions {
  path: string;
  /** Given ids, lines and counts only: never a name or a phone number. */
  logger: Logger;
  watch?: boolean;
  /** Quiet time after the last change before reading (editors write in several steps). */
  debounceMs?: number;
}

/**
 * Opens the rota file and, when asked, follows edits to it. An invalid edit is refused with a log line naming
 * file and line, and the last good rota stays in force. A file that is missing, at start-up or later, is no
 * rota (logged): a rota is turned off by removing its file. Invalid at start-up, there is no good rota to keep:
 * Carepoint starts without one (an error line says why), rather than not starting at all.
 */
export async function openRotaFile(options: RotaFileOptions): Promise<RotaFile> {
  const logger = options.logger.child({ component: 'rota' });
  const file = options.path;
  const listeners = new Set<(rota: Rota | undefined) => void>();
  let current: Rota | undefined;
  /** The version of the file last read, good or bad, so that an unchanged file is not read as news. */
  let seen: string | undefined = 'none';

  const load = async (): Promise<void> => {
    let read: RotaRead;
    try {
      read = await readRotaFile(file);
    } catch (err) {
      logger.error({ file, problem: (err as NodeJS.ErrnoException).code ?? 'unreadable', kept: Boolean(current) }, 'rota file cannot be read; the rota in force is kept');
      return;
    }
    const version = read.status === 'missing' ? undefined : read.digest;
    if (version === seen) return;
    seen = version;
    if (read.status === 'invalid') {
      const first = read.problems[0]!;
      logger.error(
        { file: first.file, line: first.line, problem: first.message, problems: read.problems.length, kept: Boolean(current) },
        current ? 'rota edit refused; the last good rota stays in force' : 'rota file refused; no rota is in force',
      );
      return;
    }
    const next = read.status === 'valid' ? read.rota : undefined;
    if (next === undefined && current === undefined) {
      logger.warn({ file }, 'no rota file: no one is on call');
      return;
    }
    current = next;
    if (next) {
      logger.info({ file, version, people: next.people.size, shifts: next.shifts.length, overrides: next.overrides.length }, 'rota in force');
    } else {
      logger.warn({ file }, 'rota file removed: no one is on call');
    }
    for (const listener of listeners) {
      try {
        listener(next);
      } catch (err) {
        logger.error({ err }, 'a rota listener failed');
      }
    }
  };

  // One read at a time; a change during a read queues one more.
  let running: Promise<void> = Promise.resolve();
  const reload = (): Promise<void> => (running = running.then(load));

  await reload();

  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (options.watch) {
    // The folder, not the file: a save that renames a new file over the old one would leave a watch on the
    // file following the deleted one (see knowledge/folder-watcher.ts). Kubernetes' mounted volumes swap a
    // "..data" link instead of writing the file.
    const name = basename(file);
    try {
      watcher = watch(dirname(file), (_event, changed) => {
        if (changed !== null && changed !== name && !changed.startsWith('..')) return;
        clearTimeout(timer);
        timer = setTimeout(() => void reload(), options.debounceMs ?? 300);
      });
      watcher.on('error', (err) => logger.error({ err }, 'rota watcher failed; rota edits need a restart'));
    } catch (err) {
      logger.error({ file, problem: (err as NodeJS.ErrnoException).code ?? 'cannot watch' }, 'rota folder cannot be watched; rota edits need a restart');
    }
  }

  return {
    current: () => current,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reload,
    close: async () => {
      clearTimeout(timer);
      watcher?.close();
      await running;
    },
  };
}
