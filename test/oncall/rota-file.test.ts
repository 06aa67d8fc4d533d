import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openRotaFile, rotaPath, type RotaFile } from '../../src/oncall/rota-file.js';
import type { Rota } from '../../src/oncall/rota.js';
import { capturingLogger, FULL_ROTA, tempDir, WEEKDAY_ROTA, writeRota } from './fixtures.js';

const open: RotaFile[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
});

async function start(path: string) {
  const log = capturingLogger();
  const file = await openRotaFile({ path, logger: log.logger, watch: true, debounceMs: 20 });
  open.push(file);
  return { file, log };
}

/** The next change the source tells of. */
const nextChange = (file: RotaFile) =>
  new Promise<Rota | undefined>((resolve) => {
    const stop = file.onChange((rota) => {
      stop();
      resolve(rota);
    });
  });

describe('the rota file', () => {
  it('is ROTA_FILE when set, else rota.yaml in DATA_DIR', () => {
    expect(rotaPath({ DATA_DIR: './data' })).toBe(join('./data', 'rota.yaml'));
    expect(rotaPath({ DATA_DIR: './data', ROTA_FILE: '/etc/carepoint/rota.yaml' })).toBe('/etc/carepoint/rota.yaml');
  });

  it('missing means no rota: no one on call, said in the log', async () => {
    const { file, log } = await start(join(await tempDir(), 'rota.yaml'));
    expect(file.current()).toBeUndefined();
    expect(log.lines).toContainEqual(expect.objectContaining({ level: 40, msg: 'no rota file: no one is on call' }));
  });

  it('takes a valid edit without a restart, and tells those listening', async () => {
    const dir = await tempDir();
    const path = await writeRota(dir, WEEKDAY_ROTA);
    const { file, log } = await start(path);
    expect(file.current()?.shifts).toHaveLength(2);
    const changed = nextChange(file);
    await writeFile(path, FULL_ROTA);
    const rota = await changed;
    expect(rota?.shifts).toHaveLength(4);
    expect(file.current()).toBe(rota);
    expect(log.lines.at(-1)).toMatchObject({ msg: 'rota in force', people: 4, shifts: 4, overrides: 1 });
  });

  it('refuses an invalid edit with file:line in the log, no phone number, and keeps the last good rota', async () => {
    const dir = await tempDir();
    const path = await writeRota(dir, FULL_ROTA);
    const { file, log } = await start(path);
    const good = file.current();
    const told: (Rota | undefined)[] = [];
    file.onChange((rota) => told.push(rota));

    const refused = log.next((l) => l.msg === 'rota edit refused; the last good rota stays in force');
    const broken = FULL_ROTA.replace('primary: kim, backup: jo', 'primary: kym, backup: jo').replace('"+447700900104"', '"07700 900104"');
    await writeFile(path, broken);
    const line = await refused;
    expect(line).toMatchObject({ level: 50, file: path, line: broken.split('\n').findIndex((l) => l.includes('"07700 900104"')) + 1, problems: 2, kept: true });
    expect(line.problem).toMatch(/^people\.phone: must be a UK number/);
    expect(file.current()).toBe(good);
    expect(told).toEqual([]);
    expect(log.text()).not.toMatch(/7700 ?900/);

    // Fixed, by a save that renames a new file over the old one (as many editors do): in force at once.
    const changed = nextChange(file);
    await writeFile(`${path}.tmp`, WEEKDAY_ROTA);
    await rename(`${path}.tmp`, path);
    expect((await changed)?.shifts).toHaveLength(2);
    expect(log.text()).not.toMatch(/7700 ?900/);
  });

  it('an invalid file at start-up leaves no rota in force, and a valid one later is taken', async () => {
    const dir = await tempDir();
    const path = await writeRota(dir, 'people: [\n');
    const { file, log } = await start(path);
    expect(file.current()).toBeUndefined();
    expect(log.lines).toContainEqual(expect.objectContaining({ level: 50, msg: 'rota file refused; no rota is in force', file: path, line: expect.any(Number), kept: false }));
    const changed = nextChange(file);
    await writeFile(path, FULL_ROTA);
    expect((await changed)?.people.size).toBe(4);
  });

  it('a removed file is no rota; one that appears is read', async () => {
    const dir = await tempDir();
    const path = join(dir, 'rota.yaml');
    const { file, log } = await start(path);
    let changed = nextChange(file);
    await writeFile(path, FULL_ROTA);
    expect(await changed).toBeDefined();
    changed = nextChange(file);
    await rm(path);
    expect(await changed).toBeUndefined();
    expect(file.current()).toBeUndefined();
    expect(log.lines.at(-1)).toMatchObject({ level: 40, msg: 'rota file removed: no one is on call' });
  });

  it('other files in the folder are not news, and a save with the same content tells no one', async () => {
    const dir = await tempDir();
    const path = await writeRota(dir, FULL_ROTA);
    const { file } = await start(path);
    const told: (Rota | undefined)[] = [];
    file.onChange((rota) => told.push(rota));
    await writeFile(join(dir, 'emergency-spool.jsonl'), '');
    await writeFile(path, FULL_ROTA);
    await file.reload();
    expect(told).toEqual([]);
    // A real edit after them is still seen.
    const changed = nextChange(file);
    await writeFile(path, WEEKDAY_ROTA);
    expect((await changed)?.shifts).toHaveLength(2);
  });
});
