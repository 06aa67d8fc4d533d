-- Who did what to which concern, when, from where: views, claims, releases, notes, replies, resolutions,
-- sign-in and sign-out. Append-only: the triggers refuse UPDATE, DELETE and TRUNCATE, so no application SQL can
-- change it. No foreign key to concerns, so that nothing cascades into it.
create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor_id text not null,
  actor_name text not null,
  action text not null,
  concern_id uuid,
  -- The client's address as the server saw it (X-Forwarded-For only from TRUSTED_PROXIES).
  source text,
  detail jsonb not null default '{}'::jsonb
);
create index audit_log_by_concern on audit_log (concern_id, id) where concern_id is not null;
create index audit_log_by_actor on audit_log (actor_id, id);
create index audit_log_by_action on audit_log (action, id);

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end
$$;
create trigger audit_log_no_change before update or delete on audit_log
  for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_append_only();
