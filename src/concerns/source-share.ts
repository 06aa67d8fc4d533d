/**
 * A source's share of new queue items: beyond this many new concerns and emergency items from one source (one
 * client address; one phone for SMS) in a window, further items are still committed, counted and shown, but
 * queued after every other source's concerns, so a flood cannot push other patients off the co-ordinator's
 * first page. Many patients can share an address (a hospital's wifi), which is why it holds back rather than
 * refuses, and why the share is well above what one person raises.
 */
export const SOURCE_SHARE = { items: 10, windowSeconds: 15 * 60 } as const;

/**
 * SQL for "this new item is beyond its source's share": count the source's items created in the window before
 * it. Parameters: the source key, the item's created_at, the window in seconds, the share.
 */
export function HELD_BACK_SQL(source: string, createdAt: string, windowSeconds: string, items: string): string {
  return `(select count(*) from concerns s where s.source_key = ${source}::text
    and s.created_at > ${createdAt}::timestamptz - make_interval(secs => ${windowSeconds}::int)) >= ${items}::int`;
}
