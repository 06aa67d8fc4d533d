-- A concern's submission id is made when the dialog starts: submitting the same concern twice (two "yes"
-- answers at once, a retry after a failed turn, another instance) returns the first, never a second.
alter table concerns add column submission_id uuid;
create unique index concerns_submission_once on concerns (submission_id);
