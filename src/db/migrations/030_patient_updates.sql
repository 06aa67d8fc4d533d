-- Patient-facing updates and feedback (issue 13): what the patient is told about their concern on their own
-- channel (claimed, resolved, overdue), what they said of it afterwards, and the priority raised for repeat
-- contact. Shared by every instance, so an update is sent once for all of them.
alter table concern_events drop constraint concern_events_kind;
alter table concern_events add constraint concern_events_kind check (kind in (
  'raised', 'escalated', 'claimed', 'released', 'lease-expired', 'note', 'reply', 'resolved', 'reopened',
  'not-an-emergency', 'person-said-not-emergency', 'linked', 'contact-problem', 'dead-letter',
  'handoff-started', 'handoff-ended', 'patient-message', 'wants-a-person',
  'paged', 'page-failed', 'page-escalated', 'acknowledged',
  -- the patient was told: their concern was claimed, resolved, or is past its target time without contact
  'patient-told-claimed', 'patient-told-resolved', 'patient-told-overdue',
  -- feedback asked for and given; priority raised because of repeat contact (3 or more in 72 hours)
  'feedback-asked', 'feedback-given', 'priority-raised'));

-- At most one overdue message per concern, whichever instance's job gets there first.
create unique index concern_events_one_overdue_notice on concern_events (concern_id) where kind = 'patient-told-overdue';

-- One feedback per concern: a score of 1 to 5 and an optional comment, kept with the pathway it was about
-- (copied from the concern's details, so the figures do not depend on a JSON path).
create table concern_feedback (
  concern_id uuid primary key references concerns (id) on delete cascade,
  pathway text,
  channel text not null check (channel in ('chat', 'sms')),
  score smallint not null check (score between 1 and 5),
  comment text,
  created_at timestamptz not null default now()
);
create index concern_feedback_by_time on concern_feedback (created_at);
