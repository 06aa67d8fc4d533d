import { z } from 'zod';

/**
 * Where a page of the queue ended: the sort key of its last item. Opaque to clients (base64url JSON); a
 * keyset, so items arriving or changing elsewhere in the queue never shift the pages after it.
 */
export interface QueuePosition {
  resolved: boolean;
  heldBack: boolean;
  rank: number;
  /** created_at to the microsecond, as the database has it. */
  createdAt: string;
  id: string;
}

const positionSchema = z.tuple([
  z.literal(1), z.boolean(), z.boolean(), z.number().int().min(0).max(3),
  z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/), z.uuid(),
]);

export function encodeCursor(p: QueuePosition): string {
  return Buffer.from(JSON.stringify([1, p.resolved, p.heldBack, p.rank, p.createdAt, p.id])).toString('base64url');
}

/** The position a cursor names, or undefined when it is not one Carepoint made. */
export function decodeCursor(cursor: string): QueuePosition | undefined {
  try {
    const parsed = positionSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (!parsed.success) return undefined;
    const [, resolved, heldBack, rank, createdAt, id] = parsed.data;
    return { resolved, heldBack, rank, createdAt, id };
  } catch {
    return undefined;
  }
}
