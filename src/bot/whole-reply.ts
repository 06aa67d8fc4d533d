/**
 * Short replies to a question Carepoint asked ("2", "yes", "the first one", a button's title) are read as a
 * whole message, never found somewhere inside one: "I take 2 tablets a day" after a numbered list is a new
 * message, not option 2.
 */

/** Lower case, punctuation as spaces, single spaces: "No, carry on!" and "no carry on" read alike. */
export function normalisedReply(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N} ]+/gu, ' ').replace(/\s+/g, ' ').trim();
}

const POSITIONS: Record<string, number> = {
  one: 1, first: 1, '1st': 1, two: 2, second: 2, '2nd': 2, three: 3, third: 3, '3rd': 3, four: 4, fourth: 4, '4th': 4,
};
// Words around a number or position that do not change it: "option 2", "number 3 please", "the first one".
const AROUND = /^(?:(?:i ll take|i d like|i want|i choose|pick|choose|option|number|no|choice|the)\s+)*(\S+)(?:\s+(?:one|please|thanks|thank you|ta))*$/;

/** An option as offered: its title (what a button sends) and other words that pick it ("none", "talk to someone"). */
export interface ReplyOption {
  value: string;
  synonyms?: readonly string[];
}

/**
 * Which of `options` (0-based) a reply picks: its number or position (1 to the count, "last"), its title or one
 * of its synonyms, or several words that only one title contains. Undefined when the reply is anything else.
 */
export function pickedOption(text: string, options: readonly ReplyOption[]): number | undefined {
  const reply = normalisedReply(text);
  if (!reply) return undefined;
  const titles = options.map((o) => normalisedReply(o.value));
  const exact = titles.indexOf(reply);
  if (exact >= 0) return exact;
  const named = options.findIndex((o) => o.synonyms?.some((words) => normalisedReply(words) === reply));
  if (named >= 0) return named;

  // "no 2" is SMS for "number 2", but "no one" is nobody.
  const position = reply === 'no one' ? undefined : AROUND.exec(reply)?.[1];
  if (position !== undefined) {
    const n = position === 'last' ? options.length : /^\d{1,2}$/.test(position) ? Number(position) : POSITIONS[position];
    if (n !== undefined) return n >= 1 && n <= options.length ? n - 1 : undefined;
  }
  // Part of one title, typed rather than tapped ("kidney diet"): two words at least, so that one common
  // word is not taken for a pick.
  if (reply.split(' ').length >= 2) {
    const containing = titles.flatMap((title, i) => (` ${title} `.includes(` ${reply} `) ? [i] : []));
    if (containing.length === 1) return containing[0];
  }
  return undefined;
}
