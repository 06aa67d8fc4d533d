-- Development sign-in links (src/console/auth/dev-sign-in.ts): one-time, ten minutes, stored as a hash.
create table console_dev_sign_in_links (
  token_hash text primary key,
  created_at timestamptz not null default now(),
  used_at timestamptz
);
