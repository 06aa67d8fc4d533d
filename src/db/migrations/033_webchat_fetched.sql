-- Co-ordinator replies on the local web chat are 'delivered' once the patient's browser has fetched them
-- (src/channels/webchat): a poll's answer hands activities over up to its watermark, and the browser's next
-- poll, asking from that watermark, says it holds them. Shared by every instance; times are the database's.

alter table webchat_conversations
  -- The highest seq a poll's answer has handed to the browser.
  add column handed_seq integer not null default 0,
  -- The highest seq the browser has since said it holds (never past what it was handed, never backwards).
  add column fetched_seq integer not null default 0;

-- A reply written to the log by the delivery port carries its key (outbound:<id>) as its client activity id:
-- when the browser's watermark passes it, its outbound message is delivered, and the console hears of it.
-- 'sending' counts too: the browser can fetch a reply in the moment between the log's commit and the job's.
create function outbound_delivered_from_webchat() returns trigger language plpgsql as $$
declare
  concern uuid;
begin
  for concern in
    update outbound_messages m set status = 'delivered', failure_reason = null, sending_until = null, updated_at = now()
    from webchat_activities a
    where a.conversation_id = new.id and a.seq > old.fetched_seq and a.seq <= new.fetched_seq
      -- A case, so the cast is only tried on the port's own keys (a browser's id is any text it chose).
      and m.id = case when a.client_activity_id ~ '^outbound:[0-9]{1,18}$' then substring(a.client_activity_id from 10)::bigint end
      and m.conversation_id = new.id
      and m.status in ('sending', 'sent')
    returning m.concern_id
  loop
    perform pg_notify('concern_changes', concern::text);
  end loop;
  return new;
end
$$;
create trigger webchat_fetched_outbound_delivered after update of fetched_seq on webchat_conversations
  for each row when (new.fetched_seq > old.fetched_seq) execute function outbound_delivered_from_webchat();
