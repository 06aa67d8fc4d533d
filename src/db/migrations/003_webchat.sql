-- Web chat through Carepoint's own Direct Line transport (src/channels/webchat): the conversations the
-- chat page started, and every activity in them in order, so that any instance can answer a browser's
-- poll and the chat survives a restart. The watermark a browser holds is `seq`.
create table webchat_conversations (
  id text primary key,
  user_id text not null,
  -- The last seq handed out; bumped in the same statement that inserts, so seqs commit in order.
  last_seq integer not null default 0,
  created_at timestamptz not null default now()
);

create table webchat_activities (
  conversation_id text not null references webchat_conversations (id) on delete cascade,
  seq integer not null,
  -- Web Chat's own id for a message it posted: a re-post of the same message is stored once.
  client_activity_id text,
  activity jsonb not null,
  created_at timestamptz not null default now(),
  primary key (conversation_id, seq)
);
create unique index webchat_activities_client_once on webchat_activities (conversation_id, client_activity_id)
  where client_activity_id is not null;
