/**
 * What a page says: the reference, the priority and where to look. Never a clinical detail or anything that
 * identifies the patient: a page goes to a phone on a bedside table, a lock screen, a shared handset.
 */
export function pageText(page: { reference: string; priority: string; consoleUrl: string; round: number }): string {
  const again = page.round > 1 ? ` Still unclaimed (round ${page.round}).` : '';
  return `Carepoint ${page.priority.toUpperCase()} ${page.reference}: please claim it in the console.${again} ` +
    `${page.consoleUrl} Or reply ACK ${page.reference}`;
}

/** A watchdog alert to the final contact: what is wrong, and the reference when there is one. */
export function alertText(alert: { what: string; reference?: string; consoleUrl: string }): string {
  return `Carepoint ALERT: ${alert.what}${alert.reference ? ` ${alert.reference}` : ''}. ${alert.consoleUrl}`;
}

/** PUBLIC_BASE_URL + /console/queue/<id>. */
export const consoleUrlOf = (baseUrl: string, concernId: string) => `${baseUrl.replace(/\/$/, '')}/console/queue/${concernId}`;
