-- A count of the refusals in the current run: "first refusal" was refused_since = now(), which two requests in the
-- same clock tick (PGlite's clock is coarse) both met, so a run could be logged twice.
alter table rate_buckets add column refusals integer not null default 0;
