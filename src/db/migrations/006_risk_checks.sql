-- A check question asked after a message with risk words and no confident decision ("is someone in
-- danger right now?"): the message waits here, one per conversation, until the answer comes.
create table risk_checks (
  conversation_id text primary key,
  held_text text not null,
  asked_at timestamptz not null default now()
);
