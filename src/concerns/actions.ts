import type { Database, Queryable } from '../db/database.js';
import type { Actor } from './actor.js';
import { appendAudit, type AuditAction } from './audit/append-audit.js';
import type { Outcome, QueueItem } from './concern-queue.js';
import { countQueue, type QueueCounts } from './queue-counts.js';
import { listQueuePage, type QueueFilter, type QueuePage } from './queue-page.js';
import type { QueuePosition } from './queue-cursor.js';
import { addNote } from './sql/add-note.js';
import { claimConcern } from './sql/claim.js';
import { concernDetail, type ConcernDetail } from './sql/detail.js';
import { expireLeases } from './sql/expire-leases.js';
import { linkPatient } from './sql/link-patient.js';
import { markNotEmergency } from './sql/mark-not-emergency.js';
import { releaseConcern } from './sql/release.js';
import { reopenConcern } from './sql/reopen.js';
import { resolveConcern } from './sql/resolve.js';
import { touchClaim } from './sql/touch-claim.js';
import { endHandoff, handBack, replyToPerson } from '../handoff/handoff.js';
import { handoffView, type HandoffView } from '../handoff/view.js';
import { tellResolved } from '../patient-updates/status-updates.js';

/** Who is acting and from where (the client's address), for the audit log. */
export interface ActedBy {
  actor: Actor;
  source: string | null;
}

/**
 * What a co-ordinator can do to a concern, whichever surface asked (the JSON API, the console's forms): each
 * operation and its audit line commit in one transaction, so both surfaces behave, and are audited, alike.
 */
export class ConcernActions {
  constructor(
    private readonly db: Database,
    /** CLAIM_LEASE_MINUTES. */
    private readonly leaseMinutes: number,
  ) {}

  /** A page of the queue and the whole queue's counts; run-out claims are put back first. */
  async queue(options: { filter: QueueFilter; after?: QueuePosition; limit?: number }): Promise<QueuePage & { counts: QueueCounts }> {
    await expireLeases(this.db);
    const [page, counts] = await Promise.all([listQueuePage(this.db, options), countQueue(this.db)]);
    return { ...page, counts };
  }

  /**
   * One concern in full, audited as a view. The holder's view renews the claim; a `live` refresh (the console
   * page updating itself) is audited too, but is not the co-ordinator's activity, so it renews nothing.
   */
  view(by: ActedBy, id: string, options: { live?: boolean } = {}): Promise<ConcernDetail & HandoffView> {
    return this.audited(by, 'view', id, async (tx) => {
      const found = await concernDetail(tx, id);
      if (!options.live) await touchClaim(tx, id, by.actor.id, this.leaseMinutes);
      // Who holds the live conversation, and each reply with its delivery status (src/handoff).
      return { ...found, ...(await handoffView(tx, id)) };
    }, options.live ? { live: true } : undefined);
  }

  async claim(by: ActedBy, id: string): Promise<QueueItem> {
    await expireLeases(this.db);
    return this.audited(by, 'claim', id, (tx) => claimConcern(tx, id, by.actor, this.leaseMinutes));
  }

  /** Giving up the claim also hands a live conversation back to the assistant. */
  release(by: ActedBy, id: string): Promise<QueueItem> {
    return this.audited(by, 'release', id, async (tx) => {
      const released = await releaseConcern(tx, id, by.actor);
      await endHandoff(tx, id, 'released', by.actor);
      return released;
    });
  }

  note(by: ActedBy, id: string, text: string): Promise<{ eventId: string }> {
    return this.audited(by, 'note', id, async (tx) => {
      const added = await addNote(tx, id, by.actor, text);
      await touchClaim(tx, id, by.actor.id, this.leaseMinutes);
      return added;
    });
  }

  /** The first reply starts the live handoff (src/handoff); a delivery job takes each reply to the person. */
  reply(by: ActedBy, id: string, text: string): Promise<Awaited<ReturnType<typeof replyToPerson>>> {
    return this.audited(by, 'reply', id, async (tx) => {
      const recorded = await replyToPerson(tx, id, by.actor, text, this.leaseMinutes);
      await touchClaim(tx, id, by.actor.id, this.leaseMinutes);
      return recorded;
    });
  }

  /**
   * Resolving ends a live conversation: the assistant greets the person again. The person is told the outcome
   * (and asked for feedback) by a message committed with the resolution, delivered by job after it.
   */
  resolve(by: ActedBy, id: string, input: { outcome: Outcome; text?: string }): Promise<QueueItem> {
    return this.audited(by, 'resolve', id, async (tx) => {
      const resolved = await resolveConcern(tx, id, by.actor, input);
      await endHandoff(tx, id, 'resolved', by.actor);
      await tellResolved(tx, id, input.outcome, by.actor);
      return resolved;
    }, { outcome: input.outcome });
  }

  /** The live conversation goes back to the assistant; the claim stays. */
  handBack(by: ActedBy, id: string): Promise<{ handedBack: true }> {
    return this.audited(by, 'hand-back', id, (tx) => handBack(tx, id, by.actor));
  }

  reopen(by: ActedBy, id: string): Promise<QueueItem> {
    return this.audited(by, 'reopen', id, (tx) => reopenConcern(tx, id, by.actor));
  }

  notAnEmergency(by: ActedBy, id: string, reason: string): Promise<QueueItem> {
    return this.audited(by, 'not-an-emergency', id, (tx) => markNotEmergency(tx, id, by.actor, reason));
  }

  async link(by: ActedBy, id: string, patientId: string): Promise<ConcernDetail> {
    await this.audited(by, 'link', id, (tx) => linkPatient(tx, id, by.actor, patientId), { patientId });
    return concernDetail(this.db, id);
  }

  private audited<T>(by: ActedBy, action: AuditAction, concernId: string, work: (tx: Queryable) => Promise<T>, detail?: Record<string, unknown>): Promise<T> {
    return this.db.transaction(async (tx) => {
      const result = await work(tx);
      await appendAudit(tx, { actor: by.actor, action, concernId, source: by.source, detail });
      return result;
    });
  }
}
