-- The concern lifecycle in typed columns (src/concerns): who holds a claim and until when (a lease on the
-- database clock), the outcome of a resolution, and a contact problem, moved out of the details blob, which
-- keeps the structured answers only. Every change is a concern_events row (012), now with who made it.
alter table concerns
  add column claimed_by text,
  add column claimed_by_name text,
  add column claimed_until timestamptz,
  -- When a claim last ran out unattended: the item is back in the queue and highlighted until claimed again.
  add column lease_expired_at timestamptz,
  add column outcome text check (outcome in ('advice-given', 'referral-chased', 'appointment-arranged',
    'passed-to-gp', 'passed-to-specialist-team', 'other')),
  add column resolved_at timestamptz,
  add column contact_problem jsonb,
  -- The patient a co-ordinator confirmed this concern is about (by name and date of birth).
  add column patient_id uuid references patients (id);

-- Backfill what earlier code kept in details.
update concerns set contact_problem = details->'contactProblem', details = details - 'contactProblem'
  where details ? 'contactProblem';
update concerns set claimed_by = details->>'claimedBy', claimed_by_name = coalesce(details->>'claimedByName', details->>'claimedBy'),
    claimed_until = now(), details = details - 'claimedBy' - 'claimedByName'
  where details ? 'claimedBy' and status = 'claimed';
-- A claim with nobody named cannot be honoured: back to the queue.
update concerns set status = 'open' where status = 'claimed' and claimed_by is null;
update concerns set outcome = coalesce(details->>'outcome', 'other'), resolved_at = updated_at, details = details - 'outcome'
  where status = 'resolved';

alter table concerns add constraint concerns_claim_named
  check ((status = 'claimed') = (claimed_by is not null and claimed_until is not null));
create index concerns_claims_due on concerns (claimed_until) where status = 'claimed';
create index concerns_by_patient on concerns (patient_id) where patient_id is not null;

alter table concern_events
  add column actor_id text,
  add column actor_name text;
alter table concern_events add constraint concern_events_kind check (kind in (
  'raised', 'escalated', 'claimed', 'released', 'lease-expired', 'note', 'reply', 'resolved', 'reopened',
  'not-an-emergency', 'person-said-not-emergency', 'linked', 'contact-problem', 'dead-letter'));

-- Replies a co-ordinator wrote: recorded here as pending, delivered by the delivery port (next issue).
create table outbound_messages (
  id bigserial primary key,
  concern_id uuid not null references concerns (id) on delete cascade,
  conversation_id text not null,
  channel text not null check (channel in ('chat', 'sms')),
  text text not null,
  status text not null default 'pending delivery' check (status in ('pending delivery', 'delivered', 'failed')),
  author_id text not null,
  created_at timestamptz not null default now()
);
create index outbound_messages_pending on outbound_messages (id) where status = 'pending delivery';
create index outbound_messages_by_concern on outbound_messages (concern_id, id);
