/** A wait that ran out. The work waited for is not cancelled: it carries on, and may still settle later. */
export class TimedOut extends Error {
  constructor(what: string, ms: number) {
    super(`${what} took longer than ${ms} ms`);
    this.name = 'TimedOut';
  }
}

/** Settles as `work` does, or rejects with TimedOut after `ms` (at once when `ms` is 0 or less). */
export function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new TimedOut(what, ms)), Math.max(0, ms));
  });
  // race() subscribes to `work`, so a rejection after the timeout is handled, never unhandled.
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** True when `work` resolved within `ms`, false while it is still running; a rejection in time is thrown. */
export async function finishedWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  try {
    await within(work, ms, 'work');
    return true;
  } catch (error) {
    if (error instanceof TimedOut) return false;
    throw error;
  }
}

/** Milliseconds left until `deadline` (a Date.now() value), never below 0. */
export function remainingMs(deadline: number): number {
  return Math.max(0, deadline - Date.now());
}
