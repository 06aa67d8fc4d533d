import type { SmsSender } from '../../channels/sms/sms-sender.js';

/**
 * Sends one page to a member of staff. Its own path, not the patient outbox: a patient's opt-out (STOP) is
 * about the patient's number and never stops a page, and a page is never queued behind patient messages.
 */
export interface StaffPager {
  page(to: string, text: string): Promise<{ sid: string }>;
}

/** A pager over the SMS sender (Twilio), from the paging number; delivery reports come back to /api/sms/status. */
export function smsStaffPager(sender: SmsSender, statusCallbackUrl: () => string): StaffPager {
  return { page: (to, text) => sender.send(to, text, statusCallbackUrl()) };
}
