import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createLogger } from '../../src/logging.js';
import { onCallAt } from '../../src/oncall/on-call.js';
import { listAudit } from '../../src/concerns/audit/list-audit.js';
import { followRotaChanges, saveRota } from '../../src/oncall/rota-changes.js';
import { openRotaFile, type RotaFile } from '../../src/oncall/rota-file.js';
import { saveRotaText, rotaVersion } from '../../src/oncall/rota-save.js';
import { engines, eventually, type OpenedEngine } from '../support/engines.js';
import { FULL_ROTA, tempDir, writeRota } from './fixtures.js';

const logger = createLogger({ level: 'silent' });
const NOW = new Date('2026-12-02T12:00:00Z'); // Wednesday noon: the weekday shift
const ALEX_ON_WEEKDAYS = FULL_ROTA.replace('primary: sam, backup: alex', 'primary: alex, backup: sam');

for (const engine of engines) {
  describe.skipIf(!engine.available)(`a rota saved on one instance is in force on another at once (${engine.name})`, () => {
    let opened: OpenedEngine;
    let mine: RotaFile;
    let theirs: RotaFile;
    let follow: ReturnType<typeof followRotaChanges>;
    let path: string;
    beforeAll(async () => {
      opened = await engine.open();
      path = await writeRota(await tempDir(), FULL_ROTA);
      // Two instances over one shared rota file, neither watching it: only the database's notification can tell the other.
      mine = await openRotaFile({ path, logger });
      theirs = await openRotaFile({ path, logger });
      follow = followRotaChanges(await opened.another(), theirs, logger);
      follow.start();
    });
    afterAll(async () => {
      await follow?.stop();
      await opened?.cleanup();
    });

    it('the other instance reads the file again when the save commits, and not before; the save is audited', async () => {
      // Give the listener its moment to start.
      await new Promise((r) => setTimeout(r, 200));
      expect(await saveRotaText(path, FULL_ROTA.replace('Kim Evans', 'Kim Evans-Jones'), rotaVersion(FULL_ROTA))).toMatchObject({ ok: true });
      await new Promise((r) => setTimeout(r, 300));
      // Written without an announcement (and nobody watching): the other instance does not know yet.
      expect(theirs.current()!.people.get('kim')!.name).toBe('Kim Evans');
      const edited = rotaVersion(await readFile(path, 'utf8'));
      const saved = await saveRota(opened.db, { path, text: ALEX_ON_WEEKDAYS, editedVersion: edited, by: { actor: { id: 'ada', name: 'Ada Test' }, source: '127.0.0.1' } });
      expect(saved).toMatchObject({ ok: true, previousVersion: edited });
      await eventually(() => (onCallAt(theirs.current()!, NOW) as { primary?: { id: string } }).primary?.id === 'alex');
      const { lines } = await listAudit(opened.db, { action: 'rota-change' });
      expect(lines).toMatchObject([{ actor: { id: 'ada', name: 'Ada Test' }, source: '127.0.0.1', detail: { file: path, version: rotaVersion(ALEX_ON_WEEKDAYS), previousVersion: edited } }]);
    });

    it('of two saves from the same version at once, one is saved and the other refused', async () => {
      const from = rotaVersion(await readFile(path, 'utf8'));
      const by = { actor: { id: 'ada', name: 'Ada Test' }, source: null };
      const [a, b] = await Promise.all([
        saveRota(opened.db, { path, text: FULL_ROTA, editedVersion: from, by }),
        saveRota(await opened.another(), { path, text: FULL_ROTA.replace('Jo Williams', 'Jo Williams-Smith'), editedVersion: from, by }),
      ]);
      expect([a.ok, b.ok].sort()).toEqual([false, true]);
      expect([a, b].find((r) => !r.ok)).toMatchObject({ reason: 'changed' });
      expect((await listAudit(opened.db, { action: 'rota-change' })).lines).toHaveLength(2);
      await mine.close();
      await theirs.close();
    });
  });
}

describe('saving the rota file', () => {
  it('refuses an invalid rota with file:line and writes nothing; refuses a stale version; keeps the one before', async () => {
    const path = await writeRota(await tempDir(), FULL_ROTA);
    const invalid = await saveRotaText(path, FULL_ROTA.replace('final:', 'finale:'), rotaVersion(FULL_ROTA));
    expect(invalid).toMatchObject({ ok: false, reason: 'invalid', problems: expect.arrayContaining([expect.objectContaining({ file: path, line: 14, message: 'unknown field "finale" (a typo?)' })]) });
    expect(await readFile(path, 'utf8')).toBe(FULL_ROTA);
    expect(await saveRotaText(path, ALEX_ON_WEEKDAYS, 'stale')).toEqual({ ok: false, reason: 'changed', currentVersion: rotaVersion(FULL_ROTA) });
    const saved = await saveRotaText(path, ALEX_ON_WEEKDAYS, rotaVersion(FULL_ROTA));
    expect(saved).toMatchObject({ ok: true, version: rotaVersion(ALEX_ON_WEEKDAYS), previousVersion: rotaVersion(FULL_ROTA) });
    expect([await readFile(path, 'utf8'), await readFile(`${path}.previous`, 'utf8')]).toEqual([ALEX_ON_WEEKDAYS, FULL_ROTA]);
    // Nothing left behind but the rota and the one before it.
    expect((await readdir(dirname(path))).sort()).toEqual(['rota.yaml', 'rota.yaml.previous']);
    // A first rota, where there was no file.
    const fresh = `${await tempDir()}/rota.yaml`;
    expect(await saveRotaText(fresh, FULL_ROTA, undefined)).toMatchObject({ ok: true, previousVersion: undefined });
    await writeFile(fresh, 'edited by hand');
    expect(await saveRotaText(fresh, FULL_ROTA, rotaVersion(FULL_ROTA))).toMatchObject({ ok: false, reason: 'changed' });
  });
});
