-- Twilio can post a delivery status callback before the outbox has recorded the message's sid (its answer to
-- the send and the callback race). Such a callback is kept here and applied when the sid is recorded, instead
-- of being dropped; both sides take the same advisory lock on the sid, so neither can miss the other.
create table sms_early_statuses (
  id bigserial primary key,
  twilio_sid text not null,
  status text not null,
  error_code text,
  received_at timestamptz not null default now()
);
create index sms_early_statuses_by_sid on sms_early_statuses (twilio_sid);
