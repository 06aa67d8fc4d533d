import { stemmer } from 'stemmer';

/**
 * Text-to-terms for retrieval. The same function processes articles and questions, so an SMS spelling in a
 * question and the full word in an article end up as the same term.
 */

/** SMS and everyday spellings, expanded before stemming. Keep small: each entry is a guess about meaning. */
export const SPELLINGS: Readonly<Record<string, string>> = {
  meds: 'medicines', med: 'medicine', medz: 'medicines', medicatn: 'medication', tabs: 'tablets', tab: 'tablet',
  appt: 'appointment', appts: 'appointments', apt: 'appointment', apmt: 'appointment', appointmnt: 'appointment',
  prescrip: 'prescription', prescrips: 'prescriptions', presc: 'prescription', script: 'prescription',
  scripts: 'prescriptions', rx: 'prescription', bp: 'blood pressure', u: 'you', ur: 'your', r: 'are',
  pls: 'please', plz: 'please', thx: 'thanks', b4: 'before', abt: 'about', wot: 'what', wat: 'what',
  dr: 'doctor', drs: 'doctors', doc: 'doctor', hosp: 'hospital', ae: 'emergency department', 'a&e': 'emergency department',
  info: 'information', nite: 'night', tmrw: 'tomorrow', tmr: 'tomorrow', '2moro': 'tomorrow',
  wk: 'week', wks: 'weeks', yr: 'year', yrs: 'years', hr: 'hour', hrs: 'hours', mins: 'minutes', diff: 'different',
  t1: 'type 1', t2: 'type 2', t1d: 'type 1 diabetes', t2d: 'type 2 diabetes', ckd: 'chronic kidney disease',
  ms: 'multiple sclerosis', hf: 'heart failure', sugar: 'glucose', sugars: 'glucose', hypo: 'hypoglycaemia',
  hypos: 'hypoglycaemia', hyper: 'hyperglycaemia', hypoglycemia: 'hypoglycaemia', hyperglycemia: 'hyperglycaemia',
  puffer: 'inhaler', puffers: 'inhalers', carer: 'carer', parkinson: 'parkinsons',
  "parkinson's": 'parkinsons', alzheimers: 'alzheimer', "alzheimer's": 'alzheimer', diabetic: 'diabetes',
  epileptic: 'epilepsy', asthmatic: 'asthma', kidneys: 'kidney', renal: 'kidney', fits: 'seizures',
  anaemia: 'anemia', haemoglobin: 'hemoglobin', oedema: 'edema', paediatric: 'pediatric', gp: 'gp', wanna: 'want to',
};

/**
 * Words that carry no subject: question words, pronouns, auxiliaries, fillers. Removing them keeps scores
 * about subjects, which is what separates "I can't answer that" from a weak match on "what" or "my".
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(`
a about above after again against all am an and any are aren as at be because been before being below between
both but by can could couldn did didn do does doesn doing don down during each few for from further had hadn
has hasn have haven having he her here hers herself him himself his how i if in into is isn it its itself just
let ll me might more most must my myself no nor not now of off on once only or other ought our ours ourselves
out over own re s same shall she should shouldn so some such t than that the their theirs them themselves then
there these they this those through to too under until up ve very was wasn we were weren what when where which
while who whom why will with won would wouldn you your yours yourself yourselves yes hi hello hey please thanks
thank ok okay im ive id dont cant wont get got getting gets really tell know need want like also still much
many something anything thing things someone anyone way ever even lot bit go going am pm whats hows whos
wheres whens whys thats theres heres youre theyre youve youll weve theyve isnt doesnt didnt arent wasnt werent
havent hasnt shouldnt couldnt wouldnt vs versus
`.split(/\s+/).filter(Boolean));

/**
 * Words that are not stop words but say little about which article fits: family members, and everyday
 * verbs and times that appear in questions on every subject. They still count, at a fraction of the weight.
 */
const LOW_SIGNAL_WORDS = `mum mam mom dad father mother husband wife partner son daughter nan nana gran granny grandad
grandma grandpa grandmother grandfather brother sister friend boy girl kid kids child baby aunt uncle neighbour
look looking keep keeps take taking give giving see seeing ring call help people person time day days week month
months year years morning night today yesterday tomorrow last next soon now ok fine normal right best good`;

export const LOW_SIGNAL: ReadonlySet<string> = new Set(LOW_SIGNAL_WORDS.split(/\s+/).map((w) => stemmer(w)));
export const LOW_SIGNAL_WEIGHT = 0.3;

const APOSTROPHES = /[\u2018\u2019\u02bc`]/g;

/** Words in the text: lower-case, apostrophes dropped inside words ("don't" -> "dont"), digits kept. */
export function tokenize(text: string): string[] {
  return normalise(text).match(WORD) ?? [];
}

/** The words of each line or sentence of the text, as `tokenize` gives them, normalising the text once. */
export function tokenizeSentences(text: string): string[][] {
  return normalise(text).split(/[\n.?!,;:()]/).map((piece) => piece.match(WORD) ?? []);
}

// A decimal such as a blood sugar of 3.2 stays one token (and is dropped below) rather than "3" and "2".
const WORD = /a&e|\d+\.\d+|[a-z0-9]+/g;

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(APOSTROPHES, "'")
    .replace(/(\w)'(\w)/g, '$1$2')
    // "A and E" would otherwise vanish as three stop words.
    .replace(/\ba\s*(?:and|&|n)\s*e\b/g, 'a&e');
}

/**
 * Each word's terms, remembered: stemming is most of the cost of indexing and of reading a question, and
 * articles and questions repeat their words. Bounded (patients' typos are endless): emptied when full.
 */
const KNOWN_WORDS_MAX = 50_000;
const knownWords = new Map<string, readonly string[]>();

/** Terms for one word: spelling expanded, stop words dropped, stemmed. May be empty or several terms. */
export function termsForWord(word: string): readonly string[] {
  let terms = knownWords.get(word);
  if (terms === undefined) {
    if (knownWords.size >= KNOWN_WORDS_MAX) knownWords.clear();
    knownWords.set(word, (terms = Object.freeze(wordTerms(word))));
  }
  return terms;
}

function wordTerms(word: string): string[] {
  // hasOwn: a patient may well type "constructor", which a plain lookup would find on Object.prototype.
  const expanded = Object.hasOwn(SPELLINGS, word) ? SPELLINGS[word]! : word;
  const out: string[] = [];
  for (const part of expanded === word ? [word] : tokenize(expanded)) {
    if (STOP_WORDS.has(part) || part.includes('.')) continue;
    // Single letters carry nothing except as part of "type 1"-style names, which the numbers cover.
    if (part.length < 2 && !/\d/.test(part)) continue;
    out.push(/\d/.test(part) ? part : stemmer(part));
  }
  return out;
}

/** The distinct terms of a text, in order of first appearance. */
export function searchTerms(text: string): string[] {
  return [...new Set(tokenize(text).flatMap(termsForWord))];
}
