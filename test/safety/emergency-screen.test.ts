import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEmergencyScreen, type EmergencyScreen } from '../../src/safety/emergency-screen.js';
import { KnowledgeFileError, loadRedFlags, parseRedFlags, type RedFlagSet } from '../../src/safety/red-flags.js';
import { trainedScreen } from '../support/trained-screen.js';

let flags: RedFlagSet;
let screen: EmergencyScreen;
/** The screen as at start-up: the red flags with the classifier trained from the corpus. */
let asRun: EmergencyScreen;
beforeAll(async () => {
  flags = await loadRedFlags(new URL('../../knowledge/red-flags.yaml', import.meta.url).pathname);
  screen = createEmergencyScreen(() => flags);
  asRun = await trainedScreen();
});

const emergency = (text: string) => screen.screen(text);

describe('emergency screening', () => {
  it.each([
    ['cant breath', 'breathing-difficulty'],
    ['chest pian', 'chest-pain'],
    ['Im having chest pains', 'chest-pain'],
    ["my dad's face has dropped and he cant lift his arm", 'stroke-signs'],
    ["she's been fitting for 6 mins", 'seizure-emergency'],
    ['he has collapsed and wont wake up', 'unconscious'],
    ['I want to end my life tonight', 'suicidal-crisis'],
    ["he's taken all his tablets", 'overdose'],
    ['my fistula is bleeding and wont stop', 'dialysis-access-bleeding'],
    ['I cannot stand the chest pain', 'chest-pain'],
    ['my dad has chest pain what should I do', 'chest-pain'],
    ['no appetite and my chest hurts', 'chest-pain'],
  ])('reports "%s" as %s', (text, flag) => {
    const result = emergency(text);
    expect(result.emergency).toBe(true);
    expect(result.matches.map((m) => m.flag.id)).toContain(flag);
    expect(result.advice).toBe('999');
  });

  it('gives 111 advice where the content says so', () => {
    expect(emergency('my pd bag is cloudy today')).toMatchObject({ emergency: true, advice: '111' });
  });

  it.each([
    ['no chest pain, just asking about diet', 'negated'],
    ["I don't have any chest pain", 'negated'],
    ['what are the signs of a stroke?', undefined],
    ['what should I do if my dad has chest pain', 'question'],
    ['is it normal to have chest pain after dialysis?', 'question'],
    ['he had a seizure last year, can he drive', undefined],
    ['my fitting appointment is tomorrow', undefined],
    ['how do I order my repeat prescription', undefined],
  ])('does not report "%s"', (text, why) => {
    const result = emergency(text);
    expect(result.emergency).toBe(false);
    if (why) expect(result.setAside.map((s) => s.why)).toContain(why);
  });

  it('puts the call to action in the first SMS segment of the reply', async () => {
    const { emergencyInstruction } = await import('../../src/safety/emergency-reply.js');
    const reply = emergencyInstruction(emergency('cant breathe'), 'sms');
    expect(reply.slice(0, 160)).toMatch(/Call 999 now/);
  });

  it('finds every phrasing of every red flag, however it is capitalised or padded', () => {
    const phrasings = flags.flags.flatMap((f) => f.phrases.map((p) => [f.id, p] as const));
    fc.assert(
      fc.property(
        fc.constantFrom(...phrasings),
        fc.constantFrom('', 'help ', 'please ', 'my mum: ', 'URGENT '),
        fc.constantFrom('', '!', ' now', '...', ' please help'),
        fc.boolean(),
        ([id, phrase], before, after, upper) => {
          const text = `${before}${upper ? phrase.toUpperCase() : phrase}${after}`;
          expect(emergency(text).matches.map((m) => m.flag.id)).toContain(id);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reads a new red flag set as soon as it is in service', () => {
    let current = flags;
    const live = createEmergencyScreen(() => current);
    expect(live.screen('purple elephant attack').emergency).toBe(false);
    current = { ...flags, flags: [...flags.flags, { ...flags.flags[0]!, id: 'test-flag', phrases: ['purple elephant'] }] };
    expect(live.screen('purple elephant attack').emergency).toBe(true);
  });
});

describe('red flags file', () => {
  it('rejects a bad edit with the file and line of the problem', () => {
    const text = ['flags:', '  - id: chest-pain', '    pathways: [general]', "    advice: '998'", '    meanwhile: Sit down and rest please.', '    phrases: [chest pain]', '    owner: Someone', '    clinicalReviewer: Someone', '    clinicalSignOff: pending', '    lastReviewed: 2026-11-20', '    reviewDue: 2027-05-20'].join('\n');
    try {
      parseRedFlags(text, 'red-flags.yaml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KnowledgeFileError);
      expect((error as KnowledgeFileError).line).toBe(4);
      expect((error as Error).message).toMatch(/^red-flags.yaml:4: flags.0.advice/);
    }
  });

  it('carries an owner, reviewer and review dates on every flag', () => {
    for (const flag of flags.flags) {
      expect(flag.owner).not.toBe('');
      expect(flag.clinicalReviewer).not.toBe('');
      expect(flag.reviewDue > flag.lastReviewed).toBe(true);
    }
  });
});

describe('an episode told as over and seen to', () => {
  it('is history when the ending comes after the red flag and the message says nothing of now', () => {
    const over = emergency('she had a seizure on tuesday, lasted 1 minute, all back to normal now, do I need to ring the nurse');
    expect(over.emergency).toBe(false);
    expect(over.setAside.map((s) => s.why)).toContain('past');
    expect(emergency('fell and hit his head on saturday, ct scan clear and they discharged him, can he shower').emergency).toBe(false);
  });

  it('is not history when the ending comes first, or the message speaks of now', () => {
    expect(emergency('he was discharged yesterday and he has collapsed, not breathing').emergency).toBe(true);
    expect(emergency('had a seizure on tuesday, back to normal after, but now she is fitting again and it will not stop').emergency).toBe(true);
    expect(emergency('fell and hit his head, they sent him home, he is just being sick now and he is on warfarin').emergency).toBe(true);
  });
});

describe('an episode told as over: what else may follow, and what is never over', () => {
  it('sets aside a missing person found, and only a missing person', () => {
    const found = emergency('Mum with dementia went missing last night, the police found her at the bus station, safe and well');
    expect(found.emergency).toBe(false);
    expect(found.setAside.map((s) => s.why)).toContain('past');
    // Where someone is says nothing of how they are after an overdose.
    const overdose = emergency('My son overdosed on his antidepressants, police found him safe and well');
    expect(overdose.emergency).toBe(true);
    expect(overdose.setAside.map((s) => s.phrase)).not.toContain('overdosed');
  });

  it('is not over where anything after the ending says it goes on or came back', () => {
    expect(emergency('he fell and hit his head, ct scan clear and they discharged him, but he has been sick twice').emergency).toBe(true);
    expect(emergency('mum went missing last night, police found her, and she has gone missing again').emergency).toBe(true);
    // "How do we stop it happening again" asks about the future.
    expect(emergency('mum went wandering last night but the neighbour brought her back within 10 mins, any tips to stop it happening again').emergency).toBe(false);
  });

  it('never reads seeming well as the end of what harms later or comes back (wellIsNotOver)', () => {
    expect(emergency("I gave my daughter the epipen this afternoon, she's back to her normal self, swelling gone").emergency).toBe(true);
    // A passing stroke (a TIA) is still 999; 03d16e1 read this one as over.
    expect(emergency('his face dropped on one side for ten minutes, all back to normal after, should I tell the GP').emergency).toBe(true);
    // Seen to is still over: a TIA diagnosed, a fit that ended.
    expect(emergency('had a funny turn last week, face went droopy for 10 mins then back to normal, they said mini stroke. do i still need to be seen').emergency).toBe(false);
    expect(emergency('she had a seizure on tuesday, lasted 1 minute, all back to normal now, do I need to ring the epilepsy nurse').emergency).toBe(false);
    // Asking how to use adrenaline is not having used it.
    expect(emergency('how do i use my epipen properly').emergency).toBe(false);
  });

  it('judges each flag by its own endings where two flags end on the same word', () => {
    // Breathing difficulty (well again ends it) is judged before not breathing (it never does), on the same words:
    // the second must not take the first one's answer.
    const stopped = emergency('he stopped breathing, back to normal');
    expect(stopped.matches.map((m) => m.flag.id)).toContain('not-breathing');
    expect(stopped.emergency).toBe(true);
  });

  it('hears fits one after another, a swallowed magnet and an attempt told in the past', () => {
    expect(emergency('The epilepsy meds are giving him fits, 4 since lunch').emergency).toBe(true);
    expect(emergency('my 3yo swallowed two magnets, he seems fine').emergency).toBe(true);
    expect(emergency('She tried to hang herself this afternoon, we found her').emergency).toBe(true);
  });

  it('hears self-harm going on told about someone else, or in a few words (blind set M)', () => {
    expect(emergency('hes cutting himself now door locked').emergency).toBe(true);
    expect(emergency('cutting right now cant stop').emergency).toBe(true);
    expect(emergency('2yo drank dishwasher liquid').emergency).toBe(true);
    expect(emergency('can i cut my tablets in half').emergency).toBe(false);
  });

  it('reads "blood clot" as a condition, and clots with bleeding as bleeding', () => {
    expect(emergency("He's been on rivaroxaban since his blood clot on the lung. Can he have a glass of wine at Christmas?").emergency).toBe(false);
    expect(emergency('she is bleeding heavily and passing clots').emergency).toBe(true);
    expect(emergency("after my miscarriage I'm losing blood clots the size of a plum").emergency).toBe(true);
  });

  it('hears FAST ruled out ("no face droop, arms fine") as ruled out', () => {
    expect(emergency('no face droop, arms fine, speech normal, she just has a headache from the heat. is paracetamol ok with her clopidogrel?').emergency).toBe(false);
    expect(emergency('his face has dropped and his arm is weak').emergency).toBe(true);
  });

  it('reads a child\'s age written short and a dosette box as what they are', () => {
    expect(emergency("the 3yo got into his nan's dosette box and ate a few").emergency).toBe(true);
  });
});

describe('words that are not what a rule looks for (example questions written 2026-12-04)', () => {
  const flagsOf = (text: string) => emergency(text).matches.map((m) => m.flag.id);

  it('never reads "could" as cold, "confusing" as convulsing, or "at" as ate', () => {
    expect(flagsOf('my dad has been getting muddled with his bills, could something else be causing it')).not.toContain('sepsis-signs');
    expect(flagsOf('the letter is very confusing, is there another way she can book it')).not.toContain('seizure-emergency');
    expect(flagsOf('she is on a lot of tablets at bedtime, is that the right way')).not.toContain('overdose');
    // "take" stays a slip for "taken": in second-language English it is often the past ("he take 30 paracetamol").
    expect(emergency('my son takes a whole box of pills').emergency).toBe(true);
    // The words themselves still count: shivering and muddled, a toddler who ate tablets.
    expect(flagsOf('she is shivering and cold and muddled')).toContain('sepsis-signs');
    expect(emergency('my toddler ate a lot of tablets').emergency).toBe(true);
  });

  it('hears the end of someone else\'s life as care, and a big jump as a change', () => {
    expect(emergency('the doctors think she may be nearing the end of her life and she wants to go home, what funding is there').emergency).toBe(false);
    expect(emergency('we have heard moving to adult services can be a big jump, who should we ask about planning').emergency).toBe(false);
    expect(emergency('I want to end my life tonight').emergency).toBe(true);
  });
});

describe('kinds a mid-conversation set found missing', () => {
  it('reports a method of dying thought about now, and a child with someone\'s tablets', () => {
    expect(emergency("i'm on the platform and i keep thinking about stepping in front of the next train").matches.map((m) => m.flag.id)).toContain('suicidal-crisis');
    expect(emergency('toddler found his nans metformin, foil chewed open').matches.map((m) => m.flag.id)).toContain('poisoning-swallowed');
  });

  it('leaves alone a figure of speech and a topic picked from a list', () => {
    expect(emergency('dad threw a right fit when we took his car keys, he has dementia').emergency).toBe(false);
    expect(emergency('the one about choking please').emergency).toBe(false);
    expect(emergency('what do i do if he ever talks about stepping in front of a train').emergency).toBe(false);
    // A train is a means only in "stepping in front of" and its kin, never on its own beside "jump".
    expect(emergency("i'll jump on the train to see mum in hospital").emergency).toBe(false);
  });
});

describe('a condition named in a few words (blind set H)', () => {
  const screened = (text: string) => asRun.screen(text);

  it('is asked about, not met with 999, when only the classifier would raise it', () => {
    for (const text of ['she has type 2', 'my mum is diabetic', 'she has dementia']) {
      const result = screened(text);
      expect(result.classifier?.verdict, `${text}: the classifier would raise it`).toBe('raise');
      expect(result.emergency, text).toBe(false);
      expect(result.uncertain, text).toBe(true);
    }
  });

  it('still raises a short message the rules know, and one that tells of something happening now', () => {
    expect(screened('she has collapsed').emergency).toBe(true);
    expect(screened('he has stopped breathing').emergency).toBe(true);
    expect(screened('she has type 1 and now she is not responding').emergency).toBe(true);
  });
});

describe('questions asked of the knowledge base (blind set G3)', () => {
  const flagsOf = (text: string) => asRun.screen(text).matches.map((m) => m.flag.id);

  // Reviewers' probes of this set's changes, each raised by the screen before them: every one still is.
  const probes = readFileSync(new URL('fixtures/review-probes-2026-12-03.txt', import.meta.url), 'utf8')
    .split('\n').filter((line) => line.trim() && !line.startsWith('#'));
  it('still raises every emergency the reviewers wrote to catch the changes out', () => {
    expect(probes.length).toBeGreaterThan(300);
    expect(probes.filter((text) => !asRun.screen(text).emergency)).toEqual([]);
  });

  // The same for the changes of 2026-12-04, which read more episodes as over.
  const overProbes = readFileSync(new URL('fixtures/review-probes-2026-12-04.txt', import.meta.url), 'utf8')
    .split('\n').filter((line) => line.trim() && !line.startsWith('#'));
  it('still raises every emergency written to catch out the reading of episodes as over', () => {
    expect(overProbes.length).toBeGreaterThan(400);
    expect(overProbes.filter((text) => !asRun.screen(text).emergency)).toEqual([]);
  });

  it('never takes a word of notTypos for a slip of another ("struggling" is not "strangling")', () => {
    expect(flagsOf('Can my husband tablets for parkinson be crush in yoghurt? He is struggling to swallow them now')).not.toContain('safeguarding-danger');
    // Without the list, the same message is read as someone being strangled now.
    const withoutList = createEmergencyScreen(() => ({ ...flags, spelledAsMeant: undefined }));
    expect(withoutList.screen('He is struggling to swallow them now').matches.map((m) => m.flag.id)).toContain('safeguarding-danger');
    // A slip that is not a listed word is still a slip: "stranglin", "brething", "heat attack".
    expect(asRun.screen('he is stranglin me right now').emergency).toBe(true);
    expect(asRun.screen('my dad is not brething').emergency).toBe(true);
    expect(flagsOf('i think my dad is having a heat attack')).toContain('chest-pain');
  });

  it('keeps the particle of a phrasal verb ("cannot go on" is not "cannot go anywhere")', () => {
    expect(flagsOf('im weeing all morning so i cant go anywhere, can i take the water tablet later')).not.toContain('suicidal-crisis');
    expect(flagsOf('i cannot go on, i have the tablets here')).toContain('suicidal-crisis');
  });

  it('never lets a phrase of several words shrink to one ("all of them" is not "all")', () => {
    expect(flagsOf('my furosemide makes me wee all morning, can i take it later in the day')).not.toContain('poisoning-swallowed');
    expect(flagsOf('he took all of them, the whole lot of his tablets')).toContain('poisoning-swallowed');
  });

  it('reads "fit free" and "seizure-free" as no seizure, and only those', () => {
    expect(asRun.screen('ive been fit free for ages can i just come off my epilepsy tablets').emergency).toBe(false);
    expect(asRun.screen('seizure-free for 2 years now, can i drive').emergency).toBe(false);
    expect(asRun.screen('I want to die, free from all of it').emergency).toBe(true);
    expect(flagsOf('he has been fitting for 10 minutes')).toContain('seizure-emergency');
  });

  it('does not take eye drops for a sugar that is dropping', () => {
    expect(flagsOf('do they put drops in your eyes at the diabetes eye check')).not.toContain('severe-hypo');
    expect(flagsOf('her sugar is 2.1 and she is dropping off, cant keep her awake')).toContain('severe-hypo');
  });
});

describe('word groups that must appear together', () => {
  it('match in any order within a sentence, and not when one group is negated or missing', () => {
    expect(emergency('hes hypo and really drowsy').matches.map((m) => m.flag.id)).toContain('severe-hypo');
    expect(emergency('really drowsy, hes hypo').matches.map((m) => m.flag.id)).toContain('severe-hypo');
    expect(emergency('hes hypo. we had tea and he is drowsy after a long day').matches.map((m) => m.flag.id)).not.toContain('severe-hypo');
    expect(emergency('the carers gave dad his insulin twice this morning').matches.map((m) => m.flag.id)).toContain('overdose');
    expect(emergency('can i take paracetamol on dialysis').emergency).toBe(false);
  });

  it('reads decimals as numbers, not as the end of a sentence', () => {
    expect(emergency('ketones are 0.4 this morning, feel fine. is that ok?').emergency).toBe(false);
    expect(emergency('hes hypo, meter says 1.9, he wont swallow anything').emergency).toBe(true);
  });
});
