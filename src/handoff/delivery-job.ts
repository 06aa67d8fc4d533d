import { z } from 'zod';
import type { Database } from '../db/database.js';
import type { JobRunner } from '../jobs/job-runner.js';
import type { Logger } from '../logging.js';
import { RetryableDeliveryError, type DeliveryPort } from '../delivery/deliver.js';
import { concernChanged } from './live-events.js';
import { DELIVER_OUTBOUND_JOB, failPendingOutbound, settleOutbound, takeNextOutbound } from './sql/outbound.js';

const payload = z.object({ conversationId: z.string().min(1) });

/** Shorter than the job's lease, so a rerun after a crash finds the message's own lease already run out. */
const SENDING_LEASE_SECONDS = 30;
const JOB_LEASE_SECONDS = 60;

/**
 * Delivers a conversation's pending messages to the person (co-ordinator replies and handoff notices), in
 * order, through the delivery port. Each message's delivery carries its own key, so a run repeated after a
 * crash sends nothing twice; a channel that cannot take it now makes the job retry (the job runner's back-off);
 * a job that fails for good marks the messages failed, with the reason, for the co-ordinator to see.
 */
export function registerOutboundDelivery(jobs: JobRunner, deps: { db: Database; delivery: DeliveryPort; logger: Logger }): void {
  const { db, delivery, logger } = deps;
  jobs.register(DELIVER_OUTBOUND_JOB, async (job) => {
    const { conversationId } = payload.parse(job.payload);
    for (;;) {
      const message = await takeNextOutbound(db, conversationId, SENDING_LEASE_SECONDS);
      if (!message) return;
      const log = logger.child({ concernId: message.concernId, outboundId: message.id });
      let result;
      try {
        result = await delivery.deliver(conversationId, message.text, { key: `outbound:${message.id}`, concernId: message.concernId, choices: message.choices ?? undefined });
      } catch (error) {
        // Not taken by the channel: back in line for the retry, first of the conversation's messages still.
        await db.query(`update outbound_messages set status = 'pending delivery', sending_until = null where id = $1 and status = 'sending'`, [message.id]);
        if (!(error instanceof RetryableDeliveryError)) log.error({ err: error, event: 'outbound-delivery-error' }, 'delivery failed unexpectedly; will retry');
        throw error;
      }
      await db.transaction(async (tx) => {
        await settleOutbound(tx, message.id, result.status, result.reason);
        await concernChanged(tx, message.concernId);
      });
      const event = result.status === 'failed' ? 'outbound-failed' : 'outbound-delivered';
      log[result.status === 'failed' ? 'warn' : 'info']({ event, status: result.status }, 'message to the person settled');
    }
  }, {
    leaseSeconds: JOB_LEASE_SECONDS,
    onDead: async (dead) => {
      const parsed = payload.safeParse(dead.payload);
      if (!parsed.success) return;
      await db.transaction(async (tx) => {
        const concerns = await failPendingOutbound(tx, parsed.data.conversationId, `not-delivered: the channel did not take it after ${dead.attempts} attempts`);
        for (const id of concerns) await concernChanged(tx, id);
      });
      logger.error({ event: 'outbound-dead', attempts: dead.attempts }, 'messages to a person given up on');
    },
  });
}
