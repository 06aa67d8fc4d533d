/**
 * A place in the console to come back to after signing in: a console path, with a plain query (the queue's or
 * the audit log's filters) at most; never another site (an open redirect), never `//host`.
 */
export function isConsoleReturnPath(value: string): boolean {
  return value.length <= 500 && /^\/console(\/[\w\-/]*)?(\?[\w\-.=&%+]*)?$/.test(value);
}
