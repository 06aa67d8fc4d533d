import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { submitConcern } from '../../src/concerns/concern-queue.js';
import { TEST_DATABASE_URL } from '../support/postgres.js';
import { DEV_TOKEN } from '../support/start-carepoint.js';
import { useTwoInstances } from '../support/two-instances.js';

/** Two Carepoint processes over one PostgreSQL server: a claim is exclusive across instances, and so is its lease. */
describe.skipIf(!TEST_DATABASE_URL)('claims across two server processes on PostgreSQL', () => {
  // A five-second lease (long enough that all 20 claims land inside it on a loaded machine).
  const world = useTwoInstances(() => ({ CLAIM_LEASE_MINUTES: String(5 / 60) }));

  it('lets exactly one of 20 claims sent at once to two instances win; the lease then runs out on the database clock', async () => {
    const item = await submitConcern(world.db, systemClock, {
      channel: 'chat', conversationId: `bf:test:${randomUUID()}`, requesterKey: 'bf:test:p', submissionId: randomUUID(),
      priority: 'urgent', summary: 'Medicines - Kidney', transcript: [],
      details: { subject: 'self', pathway: 'kidney', kind: 'medication', description: 'My tablets have not arrived.', urgency: 'today',
        contactMethod: 'this-conversation', contactTime: 'any-time', consentToShare: true },
    });
    const claim = (n: number) => fetch(`${world.servers[n % 2]!.url}/api/queue/${item.id}/claim`, { method: 'POST', headers: { authorization: `Bearer ${DEV_TOKEN}` } })
      .then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: string } }));
    const results = await Promise.all(Array.from({ length: 20 }, (_, n) => claim(n)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(19);
    // The dev token is one person on both instances: they already hold it.
    for (const r of refused) expect(r.body.error).toBe('cannot claim: you already hold the claim');
    const claims = await world.db.query(`select 1 from concern_events where concern_id = $1 and kind = 'claimed'`, [item.id]);
    expect(claims.rows).toHaveLength(1);

    // A five-second lease (long enough that all 20 claims land inside it on a loaded machine): after it, the
    // other instance sees the item back in the queue, highlighted.
    await new Promise((r) => setTimeout(r, 5500));
    const queue = await fetch(`${world.servers[1]!.url}/api/queue?status=open`, { headers: { authorization: `Bearer ${DEV_TOKEN}` } });
    const { items } = (await queue.json()) as { items: { id: string; leaseExpired: boolean; claimedBy: unknown }[] };
    expect(items.find((i) => i.id === item.id)).toMatchObject({ leaseExpired: true, claimedBy: null });
    const events = await world.db.query<{ kind: string }>('select kind from concern_events where concern_id = $1 order by id', [item.id]);
    expect(events.rows.map((e) => e.kind)).toEqual(['raised', 'claimed', 'patient-told-claimed', 'lease-expired']);
    expect((await claim(0)).status).toBe(200);
  });
});
