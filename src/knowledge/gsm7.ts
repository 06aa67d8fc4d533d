/**
 * GSM 03.38 default alphabet: SMS in these characters goes as 7-bit; one character outside it turns the
 * whole message into UCS-2, which cuts each segment from 160 to 70 characters and can garble on old phones.
 */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Extension table: allowed, but each costs two septets. */
const EXTENSION = '^{}\\[~]|€\f';

const BASIC_SET = new Set(BASIC);
const EXTENSION_SET = new Set(EXTENSION);

const REPLACEMENTS: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u2032': "'", '`': "'", '´': "'",
  '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u2033': '"', '«': '"', '»': '"',
  '\u2013': '-', '\u2014': '-', '\u2012': '-', '\u2010': '-', '\u2011': '-', '\u2212': '-',
  '\u2026': '...', '\u2022': '-', '\u00b7': '-', '\u25cf': '-', '\u00a0': ' ', '\u2009': ' ', '\u202f': ' ',
  '\t': ' ', '\u00d7': 'x', '\u2264': '<=', '\u2265': '>=', '\u00b0': ' degrees', '\u00bd': '1/2', '\u00bc': '1/4',
  '\u00be': '3/4', '\u2192': '->', '\u2713': '', '\u00ae': '', '\u2122': '', '\u00a9': '(c)', 'µ': 'micro',
};

/** Replaces what has a plain equivalent, strips accents the alphabet lacks, and drops the rest (emoji). */
export function toGsm7(text: string): string {
  let out = '';
  for (const ch of text) {
    if (BASIC_SET.has(ch) || EXTENSION_SET.has(ch)) out += ch;
    else if (Object.hasOwn(REPLACEMENTS, ch)) out += REPLACEMENTS[ch];
    else {
      const plain = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      if (plain !== ch && [...plain].every((c) => BASIC_SET.has(c))) out += plain;
    }
  }
  return out;
}

export function isGsm7(text: string): boolean {
  return [...text].every((ch) => BASIC_SET.has(ch) || EXTENSION_SET.has(ch));
}

/** Length in septets, the unit the 1,600 limit and segment sizes are measured in. */
export function gsm7Length(text: string): number {
  let n = 0;
  for (const ch of text) n += EXTENSION_SET.has(ch) ? 2 : 1;
  return n;
}

/** Cuts GSM-7 text to at most `max` septets, at a sentence or word boundary where one is near, with "...". */
export function truncateGsm7(text: string, max: number): string {
  if (gsm7Length(text) <= max) return text;
  let cut = '';
  let n = 0;
  for (const ch of text) {
    const cost = EXTENSION_SET.has(ch) ? 2 : 1;
    if (n + cost > max - 3) break;
    cut += ch;
    n += cost;
  }
  const sentence = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('\n'));
  const word = cut.lastIndexOf(' ');
  const at = sentence > cut.length * 0.6 ? sentence + 1 : word > cut.length * 0.8 ? word : cut.length;
  return `${cut.slice(0, at).trimEnd()}...`;
}
