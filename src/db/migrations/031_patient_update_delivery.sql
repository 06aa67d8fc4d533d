-- What the patient is told after a concern (issue 13), the parts migration 030 left out: the updates ride on the
-- outbound messages the handoff delivers (in order, once, by job), a feedback request's progress per concern,
-- and each contact a person makes, so every instance counts repeat contact alike.

-- Carepoint's updates on a concern ("Sam from the co-ordination team is looking at ...") are outbound messages,
-- with the buttons a chat channel shows under them (the feedback score); SMS words them in the text instead.
alter table outbound_messages drop constraint if exists outbound_messages_kind_check;
alter table outbound_messages add constraint outbound_messages_kind_check check (kind in ('reply', 'handoff-notice', 'patient-update'));
alter table outbound_messages add column choices jsonb;

-- One feedback request per concern, asked with its resolved message: 'asked' waits for a score, 'commenting' for
-- an optional comment; it ends 'done', or 'lapsed' when the person wrote something else, or past expires_at.
create table feedback_requests (
  concern_id uuid primary key references concerns (id) on delete cascade,
  conversation_id text not null,
  channel text not null check (channel in ('chat', 'sms')),
  state text not null default 'asked' check (state in ('asked', 'commenting', 'done', 'lapsed')),
  asked_at timestamptz not null default now(),
  expires_at timestamptz not null,
  updated_at timestamptz not null default now()
);
create index feedback_requests_open on feedback_requests (conversation_id, asked_at) where state in ('asked', 'commenting');

-- A contact: the person's first message, or one after 30 minutes or more of silence in that conversation
-- (README, "What the patient is told"). Counted per requester key; a linked patient record joins keys.
create table person_contacts (
  id bigserial primary key,
  requester_key text not null,
  conversation_id text not null,
  at timestamptz not null
);
create index person_contacts_by_requester on person_contacts (requester_key, at);
