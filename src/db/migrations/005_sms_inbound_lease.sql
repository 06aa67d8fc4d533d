-- A delivery's claim on a MessageSid is a lease: when its process dies mid-turn (twiml still null), a later
-- delivery of the same sid takes the claim over once claimed_at is older than the lease, and answers it.
alter table sms_inbound add column claimed_at timestamptz;
update sms_inbound set claimed_at = received_at;
alter table sms_inbound alter column claimed_at set not null, alter column claimed_at set default now();
