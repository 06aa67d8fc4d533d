-- SMS channel (Twilio): patients and their registered numbers, inbound webhook deliveries,
-- opt-outs, and the outbox of messages that are not replies to a text.

-- Patient records. Registration comes with the co-ordinator console; tests insert rows.
create table patients (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  date_of_birth date not null,
  nhs_number text unique,
  created_at timestamptz not null default now()
);

-- A number registered to a patient links SMS conversations from it to that patient's record.
create table patient_contacts (
  patient_id uuid not null references patients (id) on delete cascade,
  phone text not null unique check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  created_at timestamptz not null default now()
);
create index patient_contacts_by_patient on patient_contacts (patient_id);

-- One row per Twilio MessageSid: the first delivery claims it, and the reply it got is kept so a
-- repeated delivery gets the same answer without being processed again. twiml is null while in progress.
create table sms_inbound (
  message_sid text primary key,
  conversation_id text not null,
  twiml text,
  received_at timestamptz not null default now(),
  replied_at timestamptz
);

-- Opt-out state per number (STOP / START keywords, or Twilio reporting 21610). Latest change wins.
create table sms_opt_outs (
  phone text primary key,
  opted_out boolean not null,
  source text not null,
  changed_at timestamptz not null default now()
);

-- Messages that are not replies: written first, sent after by the outbox worker.
create table sms_outbox (
  id bigserial primary key,
  phone text not null,
  body text not null,
  purpose text not null check (purpose in ('coordinator-message', 'status-update', 'on-call-page', 'late-reply')),
  conversation_id text,
  concern_id uuid,
  status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed', 'skipped', 'unknown')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  claimed_at timestamptz,
  twilio_sid text unique,
  delivery_status text,
  delivery_error_code text,
  last_error text,
  contact_problem text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index sms_outbox_due on sms_outbox (next_attempt_at, id) where status = 'pending';
create index sms_outbox_sending on sms_outbox (claimed_at) where status = 'sending';
create index sms_outbox_by_phone on sms_outbox (phone, id);
