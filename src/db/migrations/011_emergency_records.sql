-- Emergencies recorded once: each emergency turn gets a record id, the key both the live turn and a replay
-- from the local spool (src/safety/emergency-spool.ts) claim before raising or extending the queue item, so
-- replaying twice, or on two instances over one database, never adds the message twice or makes a second item.
create table emergency_records (
  id uuid primary key,
  conversation_id text not null,
  concern_id uuid,
  recorded_at timestamptz not null default now()
);

-- When an inbound message was recorded, on the database's clock: a delivery whose turn died mid-way is taken
-- over by a later delivery of it once this is older than the turn lease (src/bot/turn-leases.ts).
alter table messages add column received_at timestamptz not null default now();
