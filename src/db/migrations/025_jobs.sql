-- Timers of every feature (escalation pages, reminders), run by src/jobs/job-runner.ts on whichever instance
-- claims them first. Every time here is on the database's clock (now()), so that instances agree.
--   pending:   waiting for run_at (a new job, or one to retry after a failure)
--   running:   claimed by locked_by until locked_until; an expired lease means its runner died, and it is claimed again
--   done, dead (failed max_attempts times), cancelled: finished, kept a while for inspection
create table jobs (
  id bigserial primary key,
  name text not null,
  payload jsonb not null default '{}'::jsonb,
  state text not null default 'pending' check (state in ('pending', 'running', 'done', 'dead', 'cancelled')),
  run_at timestamptz not null default now(),
  attempts integer not null default 0,
  max_attempts integer not null default 5 check (max_attempts >= 1),
  singleton_key text,
  locked_by text,
  locked_until timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
-- "Schedule once": one waiting job per key. A running one does not count, so a handler can schedule the next
-- step of its own chain under the same key (and cancel(key) stops the chain).
create unique index jobs_singleton on jobs (singleton_key) where state = 'pending' and singleton_key is not null;
create index jobs_due on jobs (run_at) where state = 'pending';
create index jobs_leases on jobs (locked_until) where state = 'running';
create index jobs_finished on jobs (finished_at) where state in ('done', 'dead', 'cancelled');
