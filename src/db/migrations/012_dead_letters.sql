-- Deliveries that failed for good (an SMS after its last retry; later an on-call page): kept, shown on the
-- concern and alerted, never silently dropped. One row per failed thing (channel + source id).
create table dead_letters (
  id bigserial primary key,
  channel text not null,
  purpose text not null,
  source_id text not null,
  concern_id uuid,
  conversation_id text,
  reason text not null,
  attempts integer not null,
  created_at timestamptz not null default now(),
  acknowledged_at timestamptz
);
create unique index dead_letters_once on dead_letters (channel, source_id);
create index dead_letters_open on dead_letters (created_at) where acknowledged_at is null;

-- What happened to a concern, in order. The concerns feature will own it; today delivery failures write here.
create table concern_events (
  id bigserial primary key,
  concern_id uuid not null references concerns (id) on delete cascade,
  kind text not null,
  data jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index concern_events_by_concern on concern_events (concern_id, id);
