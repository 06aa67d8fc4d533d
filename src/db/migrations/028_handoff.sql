-- Live handoff (issue 12): who holds each conversation, the assistant or a named co-ordinator on a concern,
-- and the delivery of co-ordinator replies to the patient's own channel (src/delivery, src/handoff).

-- One row per conversation ever handed over. The inbound routing decision and every switch lock this row
-- (select ... for update), so a message arriving during a switch is handled by exactly one side.
create table conversation_holders (
  conversation_id text primary key,
  held_by text not null default 'assistant' check (held_by in ('assistant', 'coordinator')),
  coordinator_id text,
  coordinator_name text,
  concern_id uuid references concerns (id) on delete set null,
  started_at timestamptz,
  ended_at timestamptz,
  end_reason text,
  -- Set when a handoff ends: the assistant's next turn starts afresh (no question from before the handoff pending).
  resume_fresh boolean not null default false,
  updated_at timestamptz not null default now(),
  constraint conversation_holders_named check ((held_by = 'coordinator') = (coordinator_id is not null and concern_id is not null))
);
create index conversation_holders_by_concern on conversation_holders (concern_id) where held_by = 'coordinator';

-- A reply's delivery, step by step: pending delivery (written), queued (in a channel's outbox), sent (the channel
-- took it), delivered (the handset confirmed: SMS), failed (with the reason). 'sending' is held by a delivery job
-- until sending_until, so that a job that died mid-send is noticed and never simply sent again.
alter table outbound_messages drop constraint if exists outbound_messages_status_check;
alter table outbound_messages
  add constraint outbound_messages_status_check check (status in ('pending delivery', 'sending', 'queued', 'sent', 'delivered', 'failed')),
  add column failure_reason text,
  add column attempts integer not null default 0,
  add column sending_until timestamptz,
  -- The handoff's own notices ("You are now talking to ...") are outbound messages too, authored by Carepoint.
  add column kind text not null default 'reply' check (kind in ('reply', 'handoff-notice')),
  add column updated_at timestamptz not null default now();
create index outbound_messages_by_conversation on outbound_messages (conversation_id, id) where status in ('pending delivery', 'sending');

-- Each delivery the port made, by its caller's key: a second call with the same key returns the first one's
-- result instead of sending again (a job run again after a crash).
create table delivery_attempts (
  key text primary key,
  conversation_id text not null,
  route text not null check (route in ('bot-framework', 'sms', 'webchat')),
  status text not null check (status in ('sending', 'queued', 'sent', 'failed')),
  reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- SMS rows written by the delivery port carry its key, so Twilio's later word (sent, delivered, failed, opted
-- out, dead letter) reaches the outbound message it was for.
alter table sms_outbox add column delivery_key text;
create index sms_outbox_by_delivery_key on sms_outbox (delivery_key) where delivery_key is not null;

-- The outbound message's status follows its SMS rows, whichever code path changed them (the outbox worker, a
-- status callback): worst first (failed), then all delivered, then all sent. The console hears of it.
create function outbound_status_from_sms() returns trigger language plpgsql as $$
declare
  s record;
begin
  if new.delivery_key is null or new.delivery_key not like 'outbound:%' then
    return new;
  end if;
  select
    bool_or(o.status in ('failed', 'skipped', 'unknown') or o.delivery_status in ('undelivered', 'failed')) as failed,
    bool_and(o.delivery_status in ('delivered', 'read')) as delivered,
    bool_and(o.status = 'sent') as sent,
    max(case
      when o.contact_problem = 'opted-out' then 'opted-out: the number has opted out of texts (STOP)'
      when o.status = 'unknown' then 'delivery-unknown: the server stopped while sending; check with the person before resending'
      when o.delivery_status in ('undelivered', 'failed') then 'undelivered: Twilio error ' || coalesce(o.delivery_error_code, 'unknown')
      when o.status = 'failed' then 'send-failed: ' || coalesce(o.last_error, 'Twilio refused the message')
    end) as reason
  into s
  from sms_outbox o where o.delivery_key = new.delivery_key;
  update outbound_messages m set
    status = case when s.failed then 'failed' when s.delivered then 'delivered' when s.sent then 'sent' else m.status end,
    failure_reason = case when s.failed then s.reason else m.failure_reason end,
    updated_at = now()
  where m.id = substring(new.delivery_key from 10)::bigint and m.status in ('sending', 'queued', 'sent', 'delivered')
    and m.status is distinct from (case when s.failed then 'failed' when s.delivered then 'delivered' when s.sent then 'sent' else m.status end);
  if found then
    perform pg_notify('concern_changes', (select concern_id::text from outbound_messages where id = substring(new.delivery_key from 10)::bigint));
  end if;
  return new;
end
$$;
create trigger sms_outbox_outbound_status after update of status, delivery_status on sms_outbox
  for each row execute function outbound_status_from_sms();

-- What happened in a handoff, on the concern's timeline.
alter table concern_events drop constraint concern_events_kind;
alter table concern_events add constraint concern_events_kind check (kind in (
  'raised', 'escalated', 'claimed', 'released', 'lease-expired', 'note', 'reply', 'resolved', 'reopened',
  'not-an-emergency', 'person-said-not-emergency', 'linked', 'contact-problem', 'dead-letter',
  'handoff-started', 'handoff-ended', 'patient-message', 'wants-a-person'));
