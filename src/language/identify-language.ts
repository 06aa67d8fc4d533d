import { francAll } from 'franc-all';

/**
 * The language a message is mostly written in, when it is one Carepoint has a line for and not English;
 * undefined for English, for messages too short to tell, and for anything else. franc's trigram model is
 * asked to choose only among English and the languages we can answer, which is what makes short messages
 * reliable (among all 400 languages, "my mum has collapsed" reads as Fulfulde).
 */
export function identifyLanguage(text: string, candidates: readonly string[]): string | undefined {
  const words = text
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[\p{N}\p{P}\p{S}]+/gu, ' ')
    .trim();
  if (!words) return undefined;
  const nonLatin = (words.match(/[^\p{Script=Latin}\s]/gu) ?? []).length;
  const letters = words.replace(/\s+/g, '').length;
  // Another script: reliable whatever the length. Latin script: a few words at least ("ok", "diolch", a name).
  if (nonLatin / letters < 0.5 && (letters < MIN_LATIN_LETTERS || words.split(/\s+/).length < MIN_LATIN_WORDS)) return undefined;
  // English words a trigram model misses among drug names and abbreviations ("can grapefruit affect apixaban").
  if (englishWordShare(words) >= ENGLISH_WORD_SHARE) return undefined;
  const ranked = francAll(words, { only: ['eng', ...candidates], minLength: 1 });
  const best = ranked[0];
  if (!best || best[0] === 'eng' || best[0] === 'und') return undefined;
  if (nonLatin / letters >= 0.5) return best[0];
  // In Latin script English stays the reading unless it is well behind (scores are relative to the best, 1);
  // letters English does not use (ł, ș, ñ, ã, è, ı, ŵ...) are evidence enough with a smaller lead.
  const english = ranked.find(([code]) => code === 'eng')?.[1] ?? 0;
  const limit = /[^\p{ASCII}]/u.test(words) ? ENGLISH_BEHIND_WITH_ACCENTS : ENGLISH_BEHIND;
  if (english >= limit) return undefined;
  // Trigrams confuse close neighbours (Polish read as Spanish); a letter only one of them writes settles it.
  const lettered = Object.entries(OWN_LETTERS).filter(([code, letters]) => candidates.includes(code) && letters.test(words));
  return lettered.length === 1 ? lettered[0]![0] : best[0];
}

/** Letters that, among the languages Carepoint answers, only one writes. */
const OWN_LETTERS: Record<string, RegExp> = {
  pol: /[łąęźżćńś]/iu,
  ron: /[ășț]/iu,
  lit: /[ėųįū]/iu,
  tur: /[ğı]/u,
  cym: /[ŵŷ]/iu,
  por: /[ãõ]/iu,
  spa: /[ñ¿¡]/iu,
};

const MIN_LATIN_LETTERS = 12;
const MIN_LATIN_WORDS = 3;
/** How far behind the best language English must score (relative scores) for a message not to be English. */
const ENGLISH_BEHIND = 0.65;
const ENGLISH_BEHIND_WITH_ACCENTS = 0.95;

/**
 * Common English words that are not also everyday words of the languages above ("a", "i", "do", "to", "on",
 * "no", "me", "he" are: Polish "do", "to", "on"; Welsh "i"; Spanish and Italian "no"), so that a share of them
 * marks English and never a Polish or Welsh message.
 */
const ENGLISH_WORDS = new Set(`the my is and of it can how what you your with for have has not this that was are
get when why does doing from about just been she her his him they them there will would should could please
thanks thank help today back after before since ago left side dad mum mom nan son daughter husband wife
any who where which been got had did dont don't can't cant im i'm its it's there's what's whats is'nt isnt
new next last week day days hours appointment prescription repeat tablets medication meds doctor gp nurse
hospital pain feel feeling still very really much more some need want know think said told going
into out over up down off again all also an as at be by if or our so than then too us we were
won't wont cannot couldn't doesn't didn't hasn't haven't he's she's they're we're you're lol
speak talk someone somebody person human book review lost card apply near contact number phone call
nurse clinic team care carer blood sugar test results letter referral waiting time morning night tonight`.split(/\s+/));

function englishWordShare(words: string): number {
  const tokens = words.toLowerCase().split(/\s+/).filter(Boolean);
  const english = tokens.filter((t) => ENGLISH_WORDS.has(t) || ENGLISH_WORDS.has(t.replace(/'s$/, ''))).length;
  return tokens.length === 0 ? 0 : english / tokens.length;
}

/** A quarter of the words common English ones: English (with names, medicines and abbreviations around them). */
const ENGLISH_WORD_SHARE = 0.25;
