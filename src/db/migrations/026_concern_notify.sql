-- Live updates for the console (src/concerns/feed.ts): every change to a concern, and every event on one, sends
-- the concern's id on the channel concern_changes when its transaction commits (never if it rolls back). The id
-- only: no patient data goes over the channel. PostgreSQL sends one notification per concern per transaction.
create function notify_concern_change() returns trigger language plpgsql as $$
begin
  if tg_table_name = 'concerns' then
    perform pg_notify('concern_changes', new.id::text);
  else
    perform pg_notify('concern_changes', new.concern_id::text);
  end if;
  return null;
end
$$;
create trigger concerns_notify_insert after insert on concerns
  for each row execute function notify_concern_change();
-- A lease renewed by the holder's own activity (touch-claim.ts) changes nothing anyone else sees: no
-- notification, so a page that refreshes on a notification cannot set off another by being viewed.
create trigger concerns_notify_update after update on concerns
  for each row when ((to_jsonb(old) - 'claimed_until') is distinct from (to_jsonb(new) - 'claimed_until'))
  execute function notify_concern_change();
create trigger concern_events_notify after insert on concern_events
  for each row execute function notify_concern_change();
