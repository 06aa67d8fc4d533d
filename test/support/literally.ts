/** `text` as a pattern that matches it literally, for building a pattern from a title, a sentence or a path. */
export function literally(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
