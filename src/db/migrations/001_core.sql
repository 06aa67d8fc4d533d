-- Bot Framework conversation and user state (botbuilder's Storage interface).
create table bot_state (
  key text primary key,
  document jsonb not null,
  etag bigint not null default 1,
  updated_at timestamptz not null default now()
);

-- One row per conversation on any channel, with the reference needed to message it later.
create table conversations (
  id text primary key,
  channel text not null check (channel in ('chat', 'sms')),
  requester_key text not null,
  reference jsonb,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);

-- Every message in and out: the story a co-ordinator reads, and the duplicate-delivery guard.
create table messages (
  id bigserial primary key,
  conversation_id text not null,
  direction text not null check (direction in ('in', 'out')),
  external_id text,
  text text not null,
  created_at timestamptz not null default now()
);
create unique index messages_inbound_once on messages (conversation_id, external_id)
  where direction = 'in' and external_id is not null;
create index messages_by_conversation on messages (conversation_id, id);

-- The co-ordinators' queue.
create table concerns (
  id uuid primary key default gen_random_uuid(),
  reference text not null unique,
  priority text not null check (priority in ('emergency', 'urgent', 'soon', 'routine')),
  status text not null default 'open' check (status in ('open', 'claimed', 'resolved')),
  channel text not null check (channel in ('chat', 'sms')),
  conversation_id text not null,
  requester_key text not null,
  details jsonb not null default '{}'::jsonb,
  transcript jsonb not null default '[]'::jsonb,
  summary text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index concerns_queue_order on concerns (status, priority, created_at);
create index concerns_by_requester on concerns (requester_key, created_at desc);
-- At most one unresolved emergency item per conversation: later red-flag messages join it.
create unique index concerns_one_open_emergency on concerns (conversation_id)
  where priority = 'emergency' and status <> 'resolved';
