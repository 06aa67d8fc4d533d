-- Patient-experience figures (src/concerns/figures): concerns raised in a period, and the period's events of
-- the kinds the figures count (first contact, resolved, reopened, priority raised), found by time, not by
-- reading every row.
create index concerns_by_created_at on concerns (created_at);
create index concern_events_by_kind_and_time on concern_events (kind, created_at);
