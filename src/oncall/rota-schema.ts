import { z } from 'zod';
import { toE164 } from '../concerns/model.js';
import { DAY_NAMES } from './rota.js';
import { dayNumber } from './wall-clock.js';

/**
 * The rota file's shape (YAML; see sample-rota.yaml). Messages name no values, nor even an example number:
 * they are logged, and no phone number may reach a log line.
 */

/** A string field that YAML may have read as something else (08:00 unquoted is text, +447700900101 a number). */
const text = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what}`) });

const id = text('a short lower-case id like "sam" or "duty-manager"')
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a short lower-case id like "sam" or "duty-manager"');

/** E.164 as written, and a UK number (+44): the form every other part of Carepoint stores numbers in. */
const ukPhone = text('in quotes (unquoted, YAML reads it as a number and drops its "+" or first 0)')
  .refine((v) => v.startsWith('+44') && toE164(v) === v, 'must be a UK number in E.164: "+44", then the number without its first 0 and without spaces');

export const personSchema = z.strictObject({
  id,
  name: text('a name').trim().min(1, 'is required').max(100, 'is too long (100 characters at most)'),
  phone: ukPhone,
});

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;
/** Minutes after midnight. */
const time = text('a 24-hour time in quotes, like "08:00"')
  .regex(TIME, 'must be a 24-hour time like "08:00" (00:00 to 23:59)')
  .transform((v) => {
    const [hours, minutes] = v.split(':').map(Number) as [number, number];
    return hours * 60 + minutes;
  });

/** A wall time: local day number and minutes after midnight. */
const dateTime = text('a date and time like 2026-12-24T18:00').transform((v, ctx) => {
  const m = v.trim().match(/^(\d{4})-(\d{2})-(\d{2})[T ]([01]?\d|2[0-3]):([0-5]\d)$/);
  const day = m ? dayNumber(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
  if (!m || day === undefined) {
    ctx.addIssue({ code: 'custom', message: m ? 'is not a real date' : 'must be a date and time like 2026-12-24T18:00' });
    return z.NEVER;
  }
  return { day, minutes: Number(m[4]) * 60 + Number(m[5]) };
});

const day = z.enum(DAY_NAMES, { error: 'must be one of mon, tue, wed, thu, fri, sat, sun' });

/** An absent or empty list (a key with nothing under it) is an empty list. */
const list = <T extends z.ZodType>(item: T) => z.array(item).nullish().transform((v) => v ?? []);

export const shiftSchema = z.strictObject({
  days: z.array(day).min(1, 'needs at least one day'),
  from: time,
  to: time,
  primary: id,
  backup: id.optional(),
});

export const overrideSchema = z.strictObject({
  from: dateTime,
  to: dateTime,
  primary: id,
  backup: id.optional(),
});

export const timeZoneSchema = z
  .literal('Europe/London', { error: 'must be Europe/London (the only time zone a rota can use)' })
  .default('Europe/London');

/**
 * The file as a whole, loosely: each part is checked on its own (parse-rota.ts), so that one bad entry or
 * field hides no problem elsewhere.
 */
export const rotaFileSchema = z.object({
  timezone: z.unknown().optional(),
  people: list(z.unknown()),
  shifts: list(z.unknown()),
  overrides: list(z.unknown()),
  final: z.unknown().optional(),
});

export const ROTA_FIELDS = ['timezone', 'people', 'shifts', 'overrides', 'final'];
