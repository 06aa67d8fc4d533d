-- Every red flag added to an emergency item, most serious first: flags that called for 999 before those that
-- called for 111, each kind in the order they were first seen (the screen reports a message's flags in the red
-- flags file's order). One definition, used when the item is raised and each time a message joins it.
create function merge_red_flags(old jsonb, new jsonb) returns jsonb language sql immutable as $$
  with advice as (
    select key, max(value) as advice from (
      select key, value from jsonb_each_text(coalesce(old->'redFlagAdvice', '{}'::jsonb))
      union all select key, value from jsonb_each_text(coalesce(new->'redFlagAdvice', '{}'::jsonb))
      -- rows written before redFlagAdvice existed: each flag had the item's advice
      union all select f, coalesce(old->>'advice', '999') from jsonb_array_elements_text(coalesce(old->'redFlags', '[]'::jsonb)) f
        where not coalesce(old ? 'redFlagAdvice', false)
      union all select f, coalesce(new->>'advice', '999') from jsonb_array_elements_text(coalesce(new->'redFlags', '[]'::jsonb)) f
        where not coalesce(new ? 'redFlagAdvice', false)
    ) a group by key
  ), seen as (
    select f, min(n) as n
    from jsonb_array_elements_text(coalesce(old->'redFlags', '[]'::jsonb) || coalesce(new->'redFlags', '[]'::jsonb)) with ordinality t(f, n)
    group by f
  )
  select coalesce(old, '{}'::jsonb) || coalesce(new, '{}'::jsonb) || jsonb_build_object(
    'redFlags', (select coalesce(jsonb_agg(s.f order by a.advice desc, s.n), '[]'::jsonb) from seen s join advice a on a.key = s.f),
    'redFlagAdvice', (select coalesce(jsonb_object_agg(key, advice), '{}'::jsonb) from advice),
    'advice', (select coalesce(max(advice), '999') from advice))
$$;

create function red_flag_summary(details jsonb) returns text language sql immutable as $$
  select 'Emergency red flag (' ||
    coalesce((select string_agg(f, ', ' order by n) from jsonb_array_elements_text(details->'redFlags') with ordinality t(f, n)), '') ||
    '): told to call ' || coalesce(details->>'advice', '999')
$$;

-- Items raised before this: their summaries name every flag now.
update concerns set details = merge_red_flags(details, '{}'::jsonb), summary = red_flag_summary(merge_red_flags(details, '{}'::jsonb))
  where details ? 'redFlags';
