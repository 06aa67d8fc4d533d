import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ukDate } from '../../src/knowledge/knowledge-base.js';
import { addGapCounts, gapTotalsSince, questionDigest } from '../../src/knowledge/knowledge-gaps.js';
import { openTestBot, type TestBot } from '../support/test-bot.js';
import { runTranscript } from '../support/transcript.js';

let bot: TestBot;
beforeAll(async () => {
  bot = await openTestBot();
});
afterAll(async () => {
  await bot.close();
});

const DECLINED = 'what is the capital of france';
const CHOICES = 'carer late again today';

describe('knowledge gaps', () => {
  it('counts every decline and every choice offered, per day, by digest; never an answer, never the text', async () => {
    await runTranscript(bot.conversation(), [
      [DECLINED, /Hello/, /not sure/],
      ['What is the capital of France?', /not sure/],
      [CHOICES, /I found a few articles/],
      ['cancel', /stopped that/],
      ['how do i order my repeat prescription', /Source: /],
    ]);
    const today = ukDate(bot.clock.now());
    const totals = await gapTotalsSince(bot.db, today);
    expect(totals).toEqual([
      { digest: questionDigest(DECLINED), choices: 0, declined: 2 },
      { digest: questionDigest(CHOICES), choices: 1, declined: 0 },
    ]);
    const { rows } = await bot.db.query('select * from knowledge_gaps');
    expect(JSON.stringify(rows)).not.toMatch(/france|carer/i);
    expect(rows.every((r) => String((r as { day: unknown }).day).length > 0)).toBe(true);
  });

  it('adds counts for the same question and day that arrive in one batch together', async () => {
    const day = '2026-01-05';
    const digest = questionDigest('same question');
    await addGapCounts(bot.db, [
      { day, digest, outcome: 'declined', asked: 1 },
      { day, digest, outcome: 'declined', asked: 1 },
      { day, digest, outcome: 'choices', asked: 1 },
    ]);
    await addGapCounts(bot.db, [{ day, digest, outcome: 'declined', asked: 1 }]);
    const mine = (await gapTotalsSince(bot.db, day)).find((t) => t.digest === digest);
    expect(mine).toEqual({ digest, choices: 1, declined: 3 });
    expect((await gapTotalsSince(bot.db, '2026-01-06')).find((t) => t.digest === digest)).toBeUndefined();
  });

  it('counts a question however it is capitalised or punctuated under one digest', () => {
    expect(questionDigest('How do I get a Blue Badge?')).toBe(questionDigest('how do i get a blue badge'));
    expect(questionDigest('blue badge')).not.toBe(questionDigest('badge blue'));
  });
});
