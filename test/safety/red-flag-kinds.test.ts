import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listQueue } from '../../src/concerns/queue-page.js';
import { createEmergencyScreen } from '../../src/safety/emergency-screen.js';
import { readScreeningFiles } from '../../src/safety/screening-files.js';
import { trainRiskClassifier } from '../../src/safety/risk-classifier.js';
import { freshDataDir } from '../support/database-template.js';
import { newMessageSid } from '../support/sms-phone.js';
import { KNOWLEDGE_DIR, openTestBot, type TestBot } from '../support/test-bot.js';
import { runTranscript } from '../support/transcript.js';
import { startSmsWorld, type SmsWorld } from '../channels/sms/sms-setup.js';

/**
 * The kinds of emergency the concept rules learnt in this release, each told on chat and on SMS: the
 * 999 instruction (with what is particular to the kind) first, then an emergency item with its flag.
 */
const KINDS: { flag: string; says: string; advice: RegExp }[] = [
  { flag: 'not-breathing', says: 'found my husband on the floor, no breath coming out, been shaking him', advice: /CPR/ },
  { flag: 'missing-person', says: 'mum has dementia and she is not in the house, its 2am and freezing', advice: /police[\s\S]*dementia/ },
  { flag: 'safeguarding-danger', says: 'he is hitting me now, i am locked in the bathroom', advice: /police[\s\S]*55/ },
  { flag: 'mental-health-crisis', says: 'the voices are telling me to hurt my mum and i cant make them stop', advice: /111[\s\S]*option 2[\s\S]*116 123/ },
  { flag: 'poisoning-swallowed', says: 'my toddler got into nans tablets, about 6 missing from the pack', advice: /packet|bottle/ },
  { flag: 'poisoning-swallowed', says: 'took 20 paracetamol about an hour ago', advice: /Do not make them sick/ },
  { flag: 'hyperkalaemia', says: 'hospital rang, my potassium is 7.1 and my heart is racing', advice: /potassium/ },
  { flag: 'acute-kidney-injury', says: 'no wee since yesterday morning, legs really swollen and getting breathless, ckd 4', advice: /upright/ },
  { flag: 'suicidal-crisis', says: 'ive written letters for my mum and my brother. i know how im going to do it tonight', advice: /116 123/ },
];

let bot: TestBot;
let sms: SmsWorld;
beforeAll(async () => {
  bot = await openTestBot();
  sms = await startSmsWorld();
});
afterAll(async () => {
  await bot.close();
  await sms.stop();
});

describe.each(KINDS)('$flag', ({ flag, says, advice }) => {
  it('on chat: 999 first, with what to do meanwhile, and an emergency item', async () => {
    const adapter = bot.conversation();
    await runTranscript(adapter, [[says, /^Call 999 now/, /alerted the care co-ordination team \(ref CP-/]]);
    await runTranscript(bot.conversation(), [[says, advice, /alerted the care co-ordination team/]]);
    const item = (await listQueue(bot.db)).find((i) => i.conversationId === adapter.conversation.conversation.id);
    expect(item?.priority).toBe('emergency');
    expect(item?.details.redFlags).toContain(flag);
  });

  it('on SMS: 999 in the first segment, and an emergency item', async () => {
    const phone = sms.phone(`+4479110${String(KINDS.findIndex((k) => k.says === says)).padStart(5, '0')}`);
    const reply = await phone.say(says);
    expect(reply.slice(0, 153)).toMatch(/^Call 999 now/);
    expect(reply).toMatch(advice);
    const { rows } = await sms.db.query<{ details: { redFlags: string[] } }>(
      `select details from concerns where conversation_id = $1 and priority = 'emergency'`,
      [`sms:${phone.number}`],
    );
    expect(rows[0]?.details.redFlags).toContain(flag);
  });
});

describe('the safety net', () => {
  it('never leaves an unsure reply to risk words bare: it ends with the 999/111 line', async () => {
    await runTranscript(bot.conversation(), [
      ['does beetroot make your wee go red', /not for emergencies/, /not sure/i, /call 999[\s\S]*NHS 111/],
    ]);
  });
});

/**
 * The check question, with the classifier's thresholds set around one message's own score so that it
 * lands in the uncertain band whatever the corpus says of it (the thresholds are content, like the corpus).
 */
describe('uncertain risk: the check question', () => {
  const UNCERTAIN = 'my legs feel weak and odd today';
  let askBot: TestBot;
  let askSms: SmsWorld;
  beforeAll(async () => {
    const { corpus, classifier } = await readScreeningFiles(KNOWLEDGE_DIR);
    const score = classifier!.score(UNCERTAIN);
    const settings = { ...classifier!.settings, raiseAt: score + 0.5, askAt: score - 0.5 };
    askBot = await openTestBot({ classifier: trainRiskClassifier(corpus, settings) });
    const dir = join(await freshDataDir(), 'knowledge');
    await cp(KNOWLEDGE_DIR, dir, { recursive: true });
    await writeFile(join(dir, 'screening/classifier.yaml'), Object.entries(settings).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n'));
    askSms = await startSmsWorld({ env: { KNOWLEDGE_DIR: dir } });
  });
  afterAll(async () => {
    await askBot.close();
    await askSms.stop();
  });

  it('is not an emergency to the rules, and is uncertain to the screen', () => {
    const rulesOnly = createEmergencyScreen(() => ({ ...askBot.knowledge.redFlags(), classifier: undefined }));
    expect(rulesOnly.screen(UNCERTAIN).emergency).toBe(false);
  });

  it('on chat: asks with buttons and raises an urgent item; yes takes the emergency path', async () => {
    const adapter = askBot.conversation();
    await adapter
      .send(UNCERTAIN)
      .assertReply((a) => {
        expect(a.text).toMatch(/Is someone in danger right now[\s\S]*Call 999 now if so/);
        expect(a.suggestedActions?.actions.map((x) => x.title)).toEqual(['Yes, someone is in danger', 'No, carry on']);
      })
      .send('Yes, someone is in danger')
      .assertReply((a) => expect(a.text).toMatch(/^Call 999 now/))
      .startTest();
    const items = (await listQueue(askBot.db)).filter((i) => i.conversationId === adapter.conversation.conversation.id);
    expect(items.map((i) => i.priority).sort()).toEqual(['emergency', 'urgent']);
    const emergency = items.find((i) => i.priority === 'emergency')!;
    expect(emergency.details.redFlags).toEqual(['danger-confirmed']);
    expect(emergency.transcript[0]!.text).toContain(UNCERTAIN);
  });

  it('on chat: no lets the message go on as if nothing had been asked, with the safety net, and the urgent item stays', async () => {
    const adapter = askBot.conversation();
    await runTranscript(adapter, [
      [UNCERTAIN, /Is someone in danger right now/],
      ['No, carry on', /^Thank you\. If anything changes/, /not for emergencies/, /./, /call 999/],
    ]);
    const items = (await listQueue(askBot.db)).filter((i) => i.conversationId === adapter.conversation.conversation.id);
    expect(items.map((i) => i.priority)).toEqual(['urgent']);
  });

  it('on SMS: asks with numbers; 1 takes the emergency path', async () => {
    const phone = askSms.phone('+447911900001');
    const question = await phone.say(UNCERTAIN);
    expect(question).toMatch(/Is someone in danger right now[\s\S]*\n1\. Yes, someone is in danger\n2\. No, carry on\nReply 1 or 2$/);
    expect(await phone.say('1')).toMatch(/^Call 999 now/);
    const { rows } = await askSms.db.query<{ priority: string }>(`select priority from concerns where conversation_id = $1 order by priority`, [`sms:${phone.number}`]);
    expect(rows.map((r) => r.priority)).toEqual(['emergency', 'urgent']);
    expect(newMessageSid()).toMatch(/^SM/);
  });
});

describe('what to do meanwhile', () => {
  it('puts the life-threatening check first: someone not breathing gets CPR, not advice for breathlessness', async () => {
    await runTranscript(bot.conversation(), [
      ['my dad has collapsed and is not breathing', /^Call 999 now\. This could be an emergency\.\n\nStay on the phone to 999[^]*CPR(?![^]*Sit upright)/, /alerted|passed this/],
    ]);
  });
});
