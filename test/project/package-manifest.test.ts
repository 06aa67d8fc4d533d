import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { literally } from '../support/literally.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };

/** Dependencies used other than by an import: command-line tools, type packages, install scripts. */
const NOT_IMPORTED: Record<string, string> = {
  typescript: 'tsc, in npm test',
  tsx: 'runs src/main.ts (npm start) and the tools',
  rimraf: "botbuilder-dialogs' postinstall runs npx rimraf",
};

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|js|mjs)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

describe('package.json', () => {
  it('is what package-lock.json was made from, so that npm install on a fresh clone leaves the lock as it is', () => {
    const root = lock.packages[''] ?? {};
    for (const field of ['name', 'version', 'engines', 'dependencies', 'devDependencies']) {
      expect(root[field], field).toEqual(manifest[field]);
    }
  });

  it('declares only dependencies that something imports (or runs)', () => {
    const code = ['src', 'dialogs', 'test', 'bench'].flatMap(sourceFiles).map((f) => readFileSync(f, 'utf8')).join('\n');
    const declared = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})];
    const unused = declared.filter((name) => {
      if (name in NOT_IMPORTED) return false;
      // @types/x is used when x is.
      const used = name.startsWith('@types/') ? name.slice('@types/'.length).replace('__', '/') : name;
      return !new RegExp(`['"]${literally(used)}(/[^'"]*)?['"]`).test(code) && used !== 'node';
    });
    expect(unused).toEqual([]);
  });
});
