-- Per-source limits shared by every instance (src/limits): one token bucket per limit and client, refilled on
-- the database's clock. refused_since marks a run of refusals, so that only its first is logged.
create table rate_buckets (
  scope text not null,
  source text not null,
  tokens double precision not null,
  refilled_at timestamptz not null default now(),
  refused_since timestamptz,
  primary key (scope, source)
);
create index rate_buckets_by_age on rate_buckets (refilled_at);

-- Where a concern came from (a keyed hash of the client's network address, or the requester for SMS), and
-- whether it came beyond that source's share of new items in its window: a flood from one source is still
-- committed and counted, but queued after everyone else's concerns.
alter table concerns add column source_key text;
alter table concerns add column held_back boolean not null default false;
create index concerns_by_source on concerns (source_key, created_at) where source_key is not null;
drop index concerns_queue_order;
create index concerns_queue_order on concerns ((status = 'resolved'), held_back,
  (case priority when 'emergency' then 0 when 'urgent' then 1 when 'soon' then 2 else 3 end), created_at, id);
