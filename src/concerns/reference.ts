import { randomBytes } from 'node:crypto';

/** A-Z and 2-9 without the look-alikes O, I, 0 and 1: 32 symbols, so a random byte maps evenly. */
export const REFERENCE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const REFERENCE_PATTERN = /\bCP-[A-HJ-NP-Z2-9]{6}\b/;

export function newReference(random: (n: number) => Uint8Array = randomBytes): string {
  const bytes = random(6);
  let code = '';
  for (const byte of bytes) code += REFERENCE_ALPHABET[byte % REFERENCE_ALPHABET.length];
  return `CP-${code}`;
}

/** Finds a reference in what someone typed, forgiving case and a missing or spaced hyphen. */
export function findReference(text: string): string | undefined {
  const match = text.toUpperCase().match(/\bCP[\s-]?([A-HJ-NP-Z2-9]{6})\b/);
  return match ? `CP-${match[1]}` : undefined;
}
