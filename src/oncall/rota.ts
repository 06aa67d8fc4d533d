/** The on-call rota as Carepoint holds it once its file has been read and checked (parse-rota.ts). */

export const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type DayName = (typeof DAY_NAMES)[number];

export interface Person {
  id: string;
  name: string;
  /** E.164, a UK number. */
  phone: string;
}

/** A recurring shift: on each of its days, from `from` to `to` on the wall clock (overnight when `to` is not after `from`). */
export interface Shift {
  /** ISO weekdays the shift starts on: 1 Monday ... 7 Sunday. */
  days: number[];
  /** Minutes after midnight, local time. */
  from: number;
  /** Minutes after midnight, local time; on the next day when not after `from` (equal: 24 hours). */
  to: number;
  primary: string;
  backup: string | undefined;
  /** Where the shift is in the rota file. */
  line: number;
}

/** A one-off period that wins over the shifts. */
export interface Override {
  /** Instants, milliseconds since the epoch. */
  from: number;
  to: number;
  primary: string;
  backup: string | undefined;
  line: number;
}

export interface Rota {
  /** The zone the file's times are read in (Europe/London). */
  timeZone: string;
  /** By id. */
  people: ReadonlyMap<string, Person>;
  shifts: readonly Shift[];
  /** In time order; they never overlap one another. */
  overrides: readonly Override[];
  /** Who is called when no one else answers, or no one is on call. */
  final: Person;
  /** The file it was read from. */
  file: string;
}
