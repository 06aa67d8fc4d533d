-- Staff paging (src/oncall/paging): each page, acknowledgement and escalation is a concern event; each page sent
-- is a row, so a step that crashed after Twilio accepted it is not sent twice; the watchdog's alerts are rows
-- the console can show, one open row per incident.
alter table concern_events drop constraint concern_events_kind;
alter table concern_events add constraint concern_events_kind check (kind in (
  'raised', 'escalated', 'claimed', 'released', 'lease-expired', 'note', 'reply', 'resolved', 'reopened',
  'not-an-emergency', 'person-said-not-emergency', 'linked', 'contact-problem', 'dead-letter',
  'handoff-started', 'handoff-ended', 'patient-message', 'wants-a-person',
  'paged', 'page-failed', 'page-escalated', 'acknowledged'));

-- One row per step of a concern's paging chain: round (1, 2, ... each pass through the chain) and step in it.
-- sending: the step was started; sent: Twilio accepted it; failed: Twilio refused or could not be reached.
create table staff_pages (
  id bigserial primary key,
  concern_id uuid not null references concerns (id) on delete cascade,
  round integer not null,
  step integer not null,
  role text not null check (role in ('primary', 'backup', 'final')),
  person_id text not null,
  status text not null default 'sending' check (status in ('sending', 'sent', 'failed')),
  twilio_sid text,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (concern_id, round, step)
);
create index staff_pages_recent on staff_pages (updated_at);

-- The watchdog's alerts. An incident is open until cleared_at; a second open alert for the same subject is
-- refused, so a condition that lasts many ticks is raised (and pages the final contact) once.
create table oncall_alerts (
  id bigserial primary key,
  kind text not null check (kind in ('unclaimed-concern', 'paging-failing', 'paging-stalled')),
  subject text not null,
  concern_id uuid references concerns (id) on delete cascade,
  detail jsonb not null default '{}'::jsonb,
  raised_at timestamptz not null default now(),
  final_paged_at timestamptz,
  cleared_at timestamptz
);
create unique index oncall_alerts_open on oncall_alerts (kind, subject) where cleared_at is null;

-- When the watchdog last ran (on the database clock): a stale one means jobs are not running.
create table paging_watchdog (
  id integer primary key check (id = 1),
  last_run_at timestamptz not null
);
