import { stemmer } from 'stemmer';

/**
 * SMS and everyday spellings that change meaning when missed. Applied to whole words after lower-casing
 * and before tokenising, for screening (and shared with retrieval where useful).
 */
const SPELLINGS: Record<string, string> = {
  cant: 'cannot', "can't": 'cannot', cnt: 'cannot', carnt: 'cannot', "cannot": 'cannot', "can not": 'cannot',
  wont: 'will not', "won't": 'will not', dont: 'do not', "don't": 'do not', doesnt: 'does not',
  "doesn't": 'does not', didnt: 'did not', "didn't": 'did not', isnt: 'is not', "isn't": 'is not',
  hasnt: 'has not', "hasn't": 'has not', havent: 'have not', "haven't": 'have not', aint: 'is not',
  wasnt: 'was not', "wasn't": 'was not', arent: 'are not', "aren't": 'are not', couldnt: 'could not',
  "couldn't": 'could not', shouldnt: 'should not', "shouldn't": 'should not',
  im: 'i am', "i'm": 'i am', ive: 'i have', "i've": 'i have', hes: 'he is', "he's": 'he is', shes: 'she is',
  "she's": 'she is', "it's": 'it is', "they're": 'they are', theyre: 'they are',
  wat: 'what', wot: 'what', u: 'you', ur: 'your', r: 'are', pls: 'please', plz: 'please', b4: 'before', gonna: 'going to', wanna: 'want to',
  mins: 'minutes', min: 'minutes', hrs: 'hours', yrs: 'years', yr: 'year', secs: 'seconds', mum: 'mum', meds: 'medicines',
  breth: 'breath', brethe: 'breathe', bleding: 'bleeding', unconcious: 'unconscious', siezure: 'seizure',
  seizer: 'seizure', fiting: 'fitting', strok: 'stroke', temp: 'temperature', sats: 'oxygen',
};

const APOSTROPHES = /[\u2018\u2019\u02bc`]/g;
/** SPELLINGS with each replacement already split into its words; a Map, so only its own keys are found. */
const SPELLING_WORDS = new Map(Object.entries(SPELLINGS).map(([written, meant]) => [written, meant.split(' ')]));

/** Lower-case words with spellings normalised; apostrophes kept only inside known contractions. */
export function normaliseWords(text: string): string[] {
  const words: string[] = [];
  for (const token of lowered(text).match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? []) addNormalised(token, words);
  return words;
}

/**
 * normaliseWords of each part of text.split(','), read in one pass over the text: the words of every part,
 * end to end, written to `words`, and for each the number of commas before it written to `commasBefore`.
 */
export function normaliseWordsByComma(text: string, words: string[], commasBefore: number[]): void {
  let commas = 0;
  for (const token of lowered(text).match(/[a-z0-9]+(?:'[a-z]+)?|,/g) ?? []) {
    if (token === ',') commas++;
    else {
      const before = words.length;
      addNormalised(token, words);
      for (let i = before; i < words.length; i++) commasBefore.push(commas);
    }
  }
}

function lowered(text: string): string {
  return text.toLowerCase().replace(APOSTROPHES, "'");
}

/** A child's age written short, as parents text it: "3yo" is "3 year old" ("2yrs" may be "2yrs ago": not read). */
const SHORT_AGE = /^(\d{1,2})(yo|yro)$/;

function addNormalised(token: string, words: string[]): void {
  const age = token.charCodeAt(0) <= 57 ? SHORT_AGE.exec(token) : null;
  if (age) {
    words.push(age[1]!, 'year', 'old');
    return;
  }
  // Most words carry no apostrophe: then the bare word is the word, and one look-up is enough.
  const apostrophe = token.includes("'");
  const bare = apostrophe ? token.replace(/'/g, '') : token;
  const mapped = SPELLING_WORDS.get(token) ?? (apostrophe ? SPELLING_WORDS.get(bare) : undefined);
  if (mapped) words.push(...mapped);
  else if (apostrophe && token.endsWith("'s")) words.push(token.slice(0, -2));
  else words.push(bare);
}

/** "1.9" as "1dot9", so that a decimal is one word and its point does not end a sentence. */
export function markDecimals(text: string): string {
  return text.replace(/(\d)\.(\d)/g, '$1dot$2');
}

/**
 * normaliseWords(text) from the words of markDecimals(text), without reading the text again: each marked
 * decimal split back into its parts, each normalised. Undefined where the text writes "dot" itself, or
 * would once its apostrophes are dropped ("do'the"): there a "dot" in a word is not always a mark.
 */
export function wordsWithoutDecimalMarks(text: string, markedWords: readonly string[]): string[] | undefined {
  if (/dot/i.test(text.replace(APOSTROPHES, '').replace(/'/g, ''))) return undefined;
  const words: string[] = [];
  for (const word of markedWords) {
    if (word.includes('dot')) for (const part of word.split('dot')) addNormalised(part, words);
    else words.push(word);
  }
  return words;
}

// Stemming is a large part of screening a message, and people use the same few thousand words.
const stems = new Map<string, string>();

export function stem(word: string): string {
  let known = stems.get(word);
  if (known === undefined) {
    if (stems.size >= 50_000) stems.clear(); // bounded: a flood of made-up words cannot grow it for ever
    known = /^\d+$/.test(word) ? word : stemmer(word);
    stems.set(word, known);
  }
  return known;
}

// Three rows of the distance table, reused: screening runs this for many word pairs on every message.
let table = new Int32Array(0);

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), capped for speed. */
export function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const width = b.length + 1;
  if (table.length < width * 3) table = new Int32Array(width * 3);
  // Row i of the table lives at (i % 3) * width.
  for (let j = 0; j <= b.length; j++) table[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = (i % 3) * width;
    const above = ((i - 1) % 3) * width;
    const twoAbove = ((i + 1) % 3) * width;
    table[row] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(table[above + j]! + 1, table[row + j - 1]! + 1, table[above + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, table[twoAbove + j - 2]! + 1);
      table[row + j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > cap) return cap + 1;
  }
  return table[(a.length % 3) * width + b.length]!;
}
