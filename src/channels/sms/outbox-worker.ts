import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import type { Logger } from '../../logging.js';
import { isOptedOut, recordOptOut } from './sms-contacts.js';
import {
  claimDueSms, expireStaleSending, flagConcernContactProblem, isUndelivered, markSmsFailed, markSmsSent, markSmsSkipped, skipOptedOutSms,
  type OutboxItem,
} from './outbox.js';
import { SmsSendError, TWILIO_OPTED_OUT, type SmsSender } from './sms-sender.js';
import { raiseDeadLetter } from '../../delivery/dead-letters.js';

export interface OutboxTiming {
  /** How often the worker looks for due messages. */
  pollMs: number;
  /** First retry delay; it doubles with each failed attempt, up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** After this many failed attempts the message is 'failed' and the concern flagged. */
  maxAttempts: number;
  /** A row 'sending' for longer than this was interrupted by a stop or crash. */
  leaseMs: number;
  batchSize: number;
}

export const DEFAULT_OUTBOX_TIMING: OutboxTiming = {
  pollMs: 2_000,
  retryBaseMs: 30_000,
  retryMaxMs: 60 * 60_000,
  maxAttempts: 8,
  leaseMs: 5 * 60_000,
  batchSize: 10,
};

export interface OutboxWorkerDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  hashId: (value: string) => string;
  /** Undefined while Twilio is not configured: messages wait in the outbox. */
  sender: SmsSender | undefined;
  timing: OutboxTiming;
}

export function retryDelayMs(attempts: number, timing: Pick<OutboxTiming, 'retryBaseMs' | 'retryMaxMs'>): number {
  return Math.min(timing.retryBaseMs * 2 ** Math.max(0, attempts - 1), timing.retryMaxMs);
}

/**
 * Sends what the outbox holds. Each row is marked 'sending' (claimed) before Twilio is asked, and 'sent'
 * with Twilio's sid after, so a message is never sent twice by retry or by a second instance.
 *
 * At most once, on purpose: if the process dies after Twilio accepted a message but before 'sent' was
 * recorded, the row stays 'sending'; after the lease it becomes 'unknown' and the concern is flagged for the
 * co-ordinator instead of being resent. Twilio's Messages API has no idempotency key, and telling "Twilio
 * has it" from "Twilio never got it" would mean matching recipient, body and time in its message log:
 * guesswork. A duplicated clinical message (a moved appointment, a changed dose) can mislead; a possibly
 * missing one, flagged in the queue, is checked by a person. The window is the few milliseconds between
 * Twilio's answer and one UPDATE.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private statusCallbackUrl = '';

  constructor(private readonly deps: OutboxWorkerDeps) {}

  /** Starts polling; `statusCallbackUrl` is where Twilio reports delivery (POST /api/sms/status). */
  start(statusCallbackUrl: string): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.statusCallbackUrl = statusCallbackUrl;
    if (!this.deps.sender) {
      this.deps.logger.warn({ event: 'sms-outbox-idle' }, 'SMS outbox not sending: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_PHONE_NUMBER');
      return;
    }
    this.schedule(0);
  }

  /** Stops polling and waits for the batch in hand to finish (so storage can close after it). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass: expire interrupted sends, skip opted-out numbers, send what is due. Exposed for tests. */
  async runOnce(): Promise<void> {
    const { db, clock, timing } = this.deps;
    for (const item of await expireStaleSending(db, clock, timing.leaseMs)) {
      this.log(item).error({ event: 'sms-outbox-unknown' }, 'SMS send was interrupted; not resending');
      await flagConcernContactProblem(db, clock, item, 'delivery-unknown');
    }
    for (const item of await skipOptedOutSms(db, clock)) {
      this.log(item).info({ event: 'sms-outbox-skipped' }, 'SMS not sent: number opted out');
      await flagConcernContactProblem(db, clock, item, 'opted-out');
    }
    for (;;) {
      const batch = await claimDueSms(db, clock, timing.batchSize);
      for (const item of batch) await this.sendOne(item);
      if (batch.length < timing.batchSize || this.stopped) break;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((err: unknown) => this.deps.logger.error({ err, event: 'sms-outbox-error' }, 'SMS outbox pass failed'))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.deps.timing.pollMs);
        });
    }, delayMs);
  }

  private async sendOne(item: OutboxItem): Promise<void> {
    const { db, clock, timing, sender } = this.deps;
    const log = this.log(item);
    // A STOP can land between writing and claiming; the opt-out is re-checked right before sending.
    if (await isOptedOut(db, item.phone)) {
      await markSmsSkipped(db, clock, item.id);
      await flagConcernContactProblem(db, clock, item, 'opted-out');
      log.info({ event: 'sms-outbox-skipped' }, 'SMS not sent: number opted out');
      return;
    }
    try {
      const { sid } = await sender!.send(item.phone, item.body, this.statusCallbackUrl);
      const sent = await markSmsSent(db, clock, item.id, sid);
      log.info({ event: 'sms-outbox-sent', attempts: item.attempts }, 'SMS sent');
      // Its status callback came first and said it failed.
      if (sent && isUndelivered(sent)) await flagConcernContactProblem(db, clock, sent, 'undelivered');
    } catch (error) {
      const failure = error instanceof SmsSendError ? error : new SmsSendError(String(error), true);
      if (failure.code === TWILIO_OPTED_OUT) {
        // Twilio knows of a STOP we did not see: record it, and never retry.
        await recordOptOut(db, clock, { phone: item.phone, optedOut: true, source: 'twilio-21610' });
        await markSmsFailed(db, clock, item.id, { error: failure.message, contactProblem: 'opted-out' });
        await flagConcernContactProblem(db, clock, item, 'opted-out');
        log.warn({ event: 'sms-outbox-opted-out', code: failure.code }, 'SMS refused: recipient opted out');
        return;
      }
      const retry = failure.retryable && item.attempts < timing.maxAttempts;
      const retryAt = retry ? new Date(clock.now().getTime() + retryDelayMs(item.attempts, timing)) : undefined;
      await markSmsFailed(db, clock, item.id, { error: failure.message, retryAt, contactProblem: retry ? undefined : 'send-failed' });
      if (!retry) {
        // Given up on: a dead letter, shown on the concern and alerted.
        const letter = await raiseDeadLetter(db, clock, log, {
          channel: 'sms', purpose: item.purpose, sourceId: item.id, concernId: item.concernId, conversationId: item.conversationId,
          reason: failure.message, code: failure.code, attempts: item.attempts,
        });
        await flagConcernContactProblem(db, clock, item, 'send-failed', letter?.id);
      }
      log.warn(
        { event: retry ? 'sms-outbox-retry' : 'sms-outbox-failed', attempts: item.attempts, code: failure.code, error: failure.message, retryAt },
        retry ? 'SMS send failed; will retry' : 'SMS send failed for good',
      );
    }
  }

  private log(item: OutboxItem): Logger {
    return this.deps.logger.child({ outboxId: item.id, purpose: item.purpose, phoneHash: this.deps.hashId(item.phone) });
  }
}
