-- The co-ordinators' console (src/console/auth): server-side sessions, so a session survives a restart and
-- works on every instance. Only a SHA-256 hash of the session id is stored: a copy of this table signs no one in.
-- Idle and absolute timeouts are checked against now() (the database's clock), never an instance's.
create table console_sessions (
  id_hash text primary key,
  user_id text not null,
  name text not null,
  roles text[] not null,
  -- the synchroniser token every state-changing browser request must carry
  csrf_secret text not null,
  -- 'entra' or 'dev': an Entra ID session is also ended at Entra ID on sign-out
  signed_in_with text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);
create index console_sessions_by_age on console_sessions (created_at);

-- A sign-in under way (authorization code flow with PKCE): kept here, never trusted from the query. Keyed by
-- a hash of the state, used once, and only within ten minutes.
create table console_sign_ins (
  state_hash text primary key,
  code_verifier text not null,
  nonce text not null,
  return_to text not null,
  created_at timestamptz not null default now()
);
create index console_sign_ins_by_age on console_sign_ins (created_at);
