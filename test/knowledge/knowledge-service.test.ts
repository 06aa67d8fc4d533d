import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { openKnowledgeService, type KnowledgeService } from '../../src/knowledge/knowledge-service.js';
import { createLogger } from '../../src/logging.js';
import { KnowledgeFileError } from '../../src/safety/red-flags.js';
import { ARTICLES, articleMarkdown, makeKnowledgeDir, writeArticle } from './fixtures.js';

const clock = new ManualClock(new Date('2027-01-10T12:00:00Z'));
const open: KnowledgeService[] = [];

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

async function start(dir: string, watch = false) {
  const { logger, lines } = capturingLogger();
  const service = await openKnowledgeService({ dir, clock, logger, watch, debounceMs: 50 });
  open.push(service);
  return { service, lines };
}

async function until(test: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('knowledge service', () => {
  it('opens the knowledge folder: answers, counts articles, serves the red flags', async () => {
    const { service } = await start(await makeKnowledgeDir());
    expect(service.articleCount()).toBe(ARTICLES.length);
    expect(service.redFlags().flags.map((f) => f.id)).toEqual(['chest-pain']);
    expect((await service.answer('how do i cancel my hospital appointment')).source?.id).toBe('general-appointments');
  });

  it('refuses to open content with errors, saying where', async () => {
    const dir = await makeKnowledgeDir();
    await writeArticle(dir, { ...ARTICLES[0]!, related: ['no-such-article'] });
    const error = await openKnowledgeService({ dir, clock, logger: capturingLogger().logger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KnowledgeFileError);
    expect(error).toMatchObject({ file: 'articles/general/general-repeat-prescriptions.md', problem: expect.stringContaining('no-such-article') });
  });

  it('reloads an edit and changes version', async () => {
    const dir = await makeKnowledgeDir();
    const { service } = await start(dir);
    const before = service.version();
    await writeArticle(dir, { ...ARTICLES[1]!, summary: 'Ring the number on your letter to change or cancel. Do it as early as you can.' });
    await service.reload();
    expect(service.version()).not.toBe(before);
    expect((await service.answer('cancel my appointment')).chat).toContain('Ring the number on your letter to change or cancel');
  });

  it('continues an answer by SMS from the content in service: the edited text after a reload, nothing once the article is removed', async () => {
    const dir = await makeKnowledgeDir();
    const { service } = await start(dir);
    const answer = await service.answer('how do i clean my spacer');
    expect(answer.source?.id).toBe('asthma-inhalers');
    expect(await service.continuation('asthma-inhalers', 'how do i clean my spacer')).toBe(answer.smsMore);

    const path = await writeArticle(dir, { ...ARTICLES[2]!, body: ARTICLES[2]!.body.replace('once a month', 'once a week') });
    await service.reload();
    expect(await service.continuation('asthma-inhalers', 'how do i clean my spacer')).toContain('once a week');

    await rm(path);
    await service.reload();
    expect(service.articleCount()).toBe(ARTICLES.length - 1);
    expect(await service.continuation('asthma-inhalers', 'how do i clean my spacer')).toBeUndefined();
  });

  it('rejects a bad edit with a log line and keeps the last good version in service', async () => {
    const dir = await makeKnowledgeDir();
    const { service, lines } = await start(dir);
    const before = service.version();
    const path = await writeArticle(dir, ARTICLES[1]!);
    await writeFile(path, (await readFile(path, 'utf8')).replace('audience: both', 'audience: everybody'));

    await expect(service.reload()).rejects.toMatchObject({ file: 'articles/general/general-appointments.md', line: 5 });
    expect(service.version()).toBe(before);
    expect((await service.answer('how do i cancel an appointment')).source?.id).toBe('general-appointments');
    expect(lines.at(-1)).toMatchObject({ level: 50, msg: 'knowledge reload rejected; last good version kept', line: 5, keptVersion: before });
  });

  it('also reloads the red flags, and rejects a broken red flags file', async () => {
    const dir = await makeKnowledgeDir();
    const { service } = await start(dir);
    const yaml = await readFile(join(dir, 'red-flags.yaml'), 'utf8');
    await writeFile(join(dir, 'red-flags.yaml'), yaml.replace('id: chest-pain', 'id: chest-pain-now').replace('chest-pain]', 'chest-pain-now]'));
    await writeArticle(dir, { ...ARTICLES[2]!, redFlags: ['chest-pain-now'] });
    await service.reload();
    expect(service.redFlags().flags[0]!.id).toBe('chest-pain-now');

    await writeFile(join(dir, 'red-flags.yaml'), yaml.replace("advice: '999'", "advice: '998'"));
    await expect(service.reload()).rejects.toMatchObject({ file: 'red-flags.yaml' });
    expect(service.redFlags().flags[0]!.id).toBe('chest-pain-now');
  });

  it('watches the folder: an edit is served without a restart, a bad one is refused, in-flight answers finish', async () => {
    const dir = await makeKnowledgeDir();
    const { service, lines } = await start(dir, true);
    const first = service.version();
    const pending = service.answer('how do i use my inhaler');
    await writeArticle(dir, { id: 'copd-rescue-pack', pathway: 'copd', title: 'Your COPD rescue pack', summary: 'A rescue pack holds steroid tablets and antibiotics to start when a flare-up begins.', questions: ['what is a rescue pack', 'when do i start my rescue pack', 'copd flare up tablets', 'rescue pack antibiotics'], body: '## Starting it\n\nStart it when your symptoms get worse, and tell your GP.' });
    expect((await pending).source?.id).toBe('asthma-inhalers');
    await until(() => service.version() !== first);
    expect((await service.answer('when should i start my rescue pack')).source?.id).toBe('copd-rescue-pack');

    const good = service.version();
    await writeFile(join(dir, 'articles', 'copd', 'copd-rescue-pack.md'), 'no front matter at all\n');
    await until(() => lines.some((l) => l.msg === 'knowledge reload rejected; last good version kept'));
    expect(service.version()).toBe(good);
    expect(service.articleCount()).toBe(ARTICLES.length + 1);
  });

  it('sees in-place writes, renames over a file and new folders, and logs the version in service each time', async () => {
    const dir = await makeKnowledgeDir();
    const { service, lines } = await start(dir, true);
    const versions = [service.version()];
    const served = async (question: string, text: string) => {
      await until(() => service.version() !== versions.at(-1), 5000);
      versions.push(service.version());
      expect((await service.answer(question)).chat).toContain(text);
      expect(lines.at(-1)).toMatchObject({ msg: 'knowledge reloaded', version: service.version() });
    };
    // A file replaced by rename (as editors save) first: the watch must follow the new file, not the old one.
    const path = join(dir, 'articles', 'general', 'general-appointments.md');
    const edited = (summary: string) => articleMarkdown({ ...ARTICLES[1]!, summary });
    await writeFile(`${path}.tmp`, edited('Ring the number on your letter to change or cancel, as early as you can.'));
    await rename(`${path}.tmp`, path);
    await served('cancel my appointment', 'as early as you can');

    // Written in place (cp, scripts): the same inode, new content.
    await writeFile(path, edited('Ring the number on your letter to change or cancel, at least a day before.'));
    await served('cancel my appointment', 'at least a day before');

    // A new folder holding a new article, then that article edited in place.
    const spec = { id: 'stroke-driving', pathway: 'stroke', title: 'Driving after a stroke', summary: 'You must not drive for at least a month after a stroke.', questions: ['can i drive after a stroke', 'when can i drive again after my stroke', 'driving after stroke', 'do i tell the dvla about my stroke'], body: '## Telling the DVLA\n\nTell the DVLA if you still have problems after a month.' };
    await writeArticle(dir, spec);
    await served('can i drive after a stroke', 'at least a month');
    await writeFile(join(dir, 'articles', 'stroke', 'stroke-driving.md'), articleMarkdown({ ...spec, summary: 'You must not drive for at least four weeks after a stroke.' }));
    await served('can i drive after a stroke', 'at least four weeks');

    // A refusal names the version kept in service.
    await writeFile(path, 'no front matter at all\n');
    await until(() => lines.at(-1)?.msg === 'knowledge reload rejected; last good version kept', 5000);
    expect(lines.at(-1)).toMatchObject({ keptVersion: versions.at(-1), version: versions.at(-1) });
  });

  it('never logs question text', async () => {
    const dir = await makeKnowledgeDir();
    const { service, lines } = await start(dir);
    await service.answer('my neighbour Mrs Jones needs her repeat prescription');
    await service.reload();
    expect(JSON.stringify(lines)).not.toContain('Jones');
  });

  it('stops watching on close', async () => {
    const dir = await makeKnowledgeDir();
    const { service } = await start(dir, true);
    const version = service.version();
    await service.close();
    await writeFile(join(dir, 'articles', 'general', 'extra.md'), articleMarkdown({ ...ARTICLES[0]!, id: 'extra' }));
    await new Promise((r) => setTimeout(r, 200));
    expect(service.version()).toBe(version);
  });
});
