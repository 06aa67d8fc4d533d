import { z } from 'zod';
import { Invalid } from '../http/errors.js';
import { OUTCOMES } from './concern-queue.js';
import { PATHWAYS } from './model.js';
import { PRIORITIES } from './priority.js';
import { QUEUE_PAGE_MAX } from './queue-page.js';

/**
 * What co-ordinators send, checked the same way whichever surface it came through: the JSON API
 * (src/concerns/routes.ts) and the console's forms (src/console/console-routes.ts).
 */
export const queueQuery = z.object({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(QUEUE_PAGE_MAX).optional(),
  status: z.enum(['open', 'claimed', 'resolved']).optional(),
  priority: z.enum(PRIORITIES).optional(),
  pathway: z.enum(PATHWAYS).optional(),
  mine: z.enum(['true', 'false']).optional(),
});
export type QueueQuery = z.infer<typeof queueQuery>;

export const idParam = z.uuid('the id must be a concern id');
const text = z.string({ error: 'text is required' }).trim().min(1, 'text must not be empty').max(5000, 'text must be at most 5000 characters');
export const textBody = z.object({ text });
export const resolveBody = z.object({
  outcome: z.enum(OUTCOMES, { error: `outcome must be one of: ${OUTCOMES.join(', ')}` }),
  text: text.optional(),
});
export const reasonBody = z.object({ reason: z.string({ error: 'reason is required' }).trim().min(1, 'reason must not be empty').max(2000) });
export const linkBody = z.object({ patientId: z.uuid('patientId must be a patient id') });

/** Parses with zod; a failure is a 400 that says what is wrong. */
export function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new Invalid(result.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '));
}
