/**
 * What PostgreSQL refuses to store, taken out before any write. Nobody types these, but channels deliver
 * them: a NUL in text (invalid byte sequence, 22021) or in jsonb (22P05), and a lone UTF-16 surrogate in
 * jsonb (22P02; in text the drivers' UTF-8 encoding already turns one into U+FFFD). A write that fails on
 * them fails the patient's turn, and the database's error then quotes the value it refused.
 */
export function storableText(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
}

/** JSON text of `value` that jsonb accepts: NUL removed from strings, lone surrogates made U+FFFD. */
export function storableJson(value: unknown): string {
  const json = JSON.stringify(value);
  // JSON.stringify writes both as escapes; the common case (neither) costs one scan.
  if (json === undefined || !ESCAPED_NUL_OR_SURROGATE.test(json)) return json;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? wellFormed(storableText(v)) : v));
}

/** The parameters of a statement with NUL removed from every string, and from strings in arrays (unnest batches). */
export function storableParams(params: unknown[]): unknown[] {
  let changed: unknown[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const param = params[i];
    const clean = typeof param === 'string' ? storableText(param) : Array.isArray(param) ? storableArray(param) : param;
    if (clean !== param) (changed ??= params.slice())[i] = clean;
  }
  return changed ?? params;
}

function storableArray(values: unknown[]): unknown[] {
  if (!values.some((v) => typeof v === 'string' && v.includes('\u0000'))) return values;
  return values.map((v) => (typeof v === 'string' ? storableText(v) : v));
}

// Escaped backslashes (`\\u0000` is the text "\u0000") may match too: that only costs the careful path.
const ESCAPED_NUL_OR_SURROGATE = /\\u(0000|d[89a-f][0-9a-f]{2})/i;

/** String.prototype.toWellFormed, which ES2022's type definitions do not declare (Node 20 has it). */
function wellFormed(text: string): string {
  return (text as string & { toWellFormed(): string }).toWellFormed();
}
