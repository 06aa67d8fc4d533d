/**
 * Letters and texts open and close with courtesies: "Dear Sir,", "Yours sincerely, Mrs K. Morris", "Regards,
 * William", "thanks x". Their words say nothing about the subject, and a name weighs most of all in the
 * scoring (no article uses it), so left in they make a covered question look like one the articles do not
 * cover. They are taken off questions before retrieval, never off articles.
 */

// "Dear Sir or Madam," / "Dear Carepoint team,": a few words after "dear", closed by a comma, stop or line end.
const OPENING = /^\s*dear\b(?:\s+[^\s,.!?:;]+){0,4}\s*(?:[,.!:;\n]|$)/i;

// The last sign-off word or phrase in the text; what follows it must be only a name (checked below).
const SIGN_OFF =
  /(?:^|[\s,.!?])((?:yours(?:\s+(?:sincerely|faithfully|truly))?|(?:kind(?:est)?\s+|best\s+|warm(?:est)?\s+|many\s+)?(?:regards|thanks)|(?:best|kind|warm(?:est)?)\s+wishes|thank\s+you(?:\s+(?:very\s+much|so\s+much|again))?|thanks\s+(?:again|very\s+much|so\s+much|a\s+lot)|cheers|ta)\b)/gi;

// A name as people sign one: an optional title, up to three capitalised words or initials, kisses, stops.
const HONORIFIC = String.raw`(?:Mr|Mrs|Ms|Miss|Mx|Dr|Rev|Sir|Dame|Prof)\.?`;
const NAME_WORD = String.raw`(?:[A-Z][\w'’-]*\.?)`;
const NAME_TAIL = new RegExp(String.raw`^[\s,.!:;\-–—]*(?:${HONORIFIC}\s+)?(?:${NAME_WORD}\s*){0,3}[\sxX.!,:)(]*$`);

// "…to make up? Mr D. Young": a titled name closing the text, after the question, with no sign-off word.
const TITLED_NAME_AT_END = new RegExp(String.raw`([.?!,]|^)\s*${HONORIFIC}\s+(?:${NAME_WORD}\s*){1,3}[\s.!]*$`);

/** The question without its opening salutation and closing sign-off; the text itself if nothing else is left. */
export function withoutCourtesies(text: string): string {
  let rest = text.replace(OPENING, ' ');
  const signOff = lastSignOff(rest);
  if (signOff !== undefined) rest = rest.slice(0, signOff);
  rest = rest.replace(TITLED_NAME_AT_END, '$1');
  return /[a-z0-9]/i.test(rest) ? rest.trim() : text;
}

/** Where the closing sign-off starts, if the text ends with one (followed by nothing but a name). */
function lastSignOff(text: string): number | undefined {
  let start: number | undefined;
  for (const m of text.matchAll(SIGN_OFF)) {
    const word = m[1]!;
    const at = m.index! + m[0].length - word.length;
    start = NAME_TAIL.test(text.slice(at + word.length)) ? at : start;
  }
  return start;
}
