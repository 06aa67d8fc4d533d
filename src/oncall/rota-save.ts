import { createHash } from 'node:crypto';
import { copyFile, readFile } from 'node:fs/promises';
import type { Problem } from '../knowledge/yaml-lines.js';
import { replaceFileSynced } from '../storage/synced-files.js';
import { parseRota } from './parse-rota.js';
import type { Rota } from './rota.js';

/** The rota file's text as it is now, and its version (the digest rota-file.ts logs); none when there is no file. */
export interface RotaText {
  text: string;
  version: string | undefined;
}

export const rotaVersion = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** Where the version before the last save is kept, beside the file. */
export const previousPath = (path: string) => `${path}.previous`;

export async function readRotaText(path: string): Promise<RotaText> {
  try {
    const text = await readFile(path, 'utf8');
    return { text, version: rotaVersion(text) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', version: undefined };
    throw err;
  }
}

export type RotaSave =
  | { ok: true; rota: Rota; version: string; previousVersion: string | undefined }
  /** Refused with the file's problems (file:line), exactly as the file itself would be: nothing was written. */
  | { ok: false; reason: 'invalid'; problems: Problem[] }
  /** The file changed since the text was loaded for editing (someone else saved): nothing was written. */
  | { ok: false; reason: 'changed'; currentVersion: string | undefined };

/**
 * Replaces the rota file with `text` if it is a valid rota (the same parseRota the file watcher uses, so what
 * the page accepts the file would), and only if the file is still the version the editor started from. Atomic:
 * written to a temporary file in the same folder, flushed to disk, then renamed over the old one, so a reader
 * (every instance's watcher) sees the old file or the new, never half of one. The old file is kept first as
 * `<file>.previous`.
 */
export async function saveRotaText(path: string, text: string, editedVersion: string | undefined): Promise<RotaSave> {
  const parsed = parseRota(text, path);
  if (!parsed.ok) return { ok: false, reason: 'invalid', problems: parsed.problems };
  const before = await readRotaText(path);
  if (before.version !== editedVersion) return { ok: false, reason: 'changed', currentVersion: before.version };
  if (before.version !== undefined) await copyFile(path, previousPath(path));
  await replaceFileSynced(path, text);
  return { ok: true, rota: parsed.rota, version: rotaVersion(text), previousVersion: before.version };
}
