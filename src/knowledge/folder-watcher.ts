import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

export interface FolderWatch {
  close(): void;
}

/**
 * Watches a folder and every folder under it, one directory watch each, and calls `onChange` on any change.
 *
 * Not `fs.watch(dir, { recursive: true })`: on Linux, Node 20 and 22 emulate that with one watch per file,
 * which follows the file's inode. A save that renames a new file over the old one leaves that watch on the
 * deleted inode, so every later in-place write to the file went unseen until a restart. A directory's watch
 * reports writes, creations and renames of its entries whatever their inode; a new folder is watched as soon
 * as its parent reports it (and the reload that report causes reads whatever it already holds).
 */
export function watchFolderTree(root: string, onChange: () => void, onError: (err: Error) => void): FolderWatch {
  const watchers = new Map<string, FSWatcher>();
  let closed = false;

  const follow = (): void => {
    if (closed) return;
    const folders = foldersUnder(root);
    for (const [folder, watcher] of watchers) {
      if (!folders.has(folder)) {
        watcher.close();
        watchers.delete(folder);
      }
    }
    for (const folder of folders) {
      if (watchers.has(folder)) continue;
      try {
        const watcher = watch(folder, () => changed());
        // A watched folder that is removed may report an error: forget it; the change itself was reported.
        watcher.on('error', () => {
          watcher.close();
          watchers.delete(folder);
          changed();
        });
        watchers.set(folder, watcher);
      } catch (err) {
        // Removed between listing and watching: nothing to watch.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') onError(err as Error);
      }
    }
  };
  const changed = (): void => {
    if (closed) return;
    try {
      follow();
    } catch (err) {
      onError(err as Error);
    }
    onChange();
  };

  follow();
  return {
    close() {
      closed = true;
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

/** `root` and every folder below it (symbolic links are not followed). */
function foldersUnder(root: string): Set<string> {
  const folders = new Set<string>([root]);
  const pending = [root];
  for (let folder = pending.pop(); folder !== undefined; folder = pending.pop()) {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && folder !== root) continue;
      throw err;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const path = join(folder, entry.name);
      folders.add(path);
      pending.push(path);
    }
  }
  return folders;
}
