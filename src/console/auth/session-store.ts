import type { Queryable } from '../../db/database.js';
import type { Role } from '../../http/coordinator-auth.js';
import { randomToken, sha256 } from './secrets.js';

/** The timeouts: 30 minutes without a request, 12 hours in all. */
export const SESSION_IDLE_SECONDS = 30 * 60;
export const SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60;

export interface ConsoleIdentity {
  userId: string;
  name: string;
  roles: Role[];
  signedInWith: 'entra' | 'dev';
}

export interface ConsoleSession extends ConsoleIdentity {
  csrfSecret: string;
}

interface SessionRow {
  user_id: string;
  name: string;
  roles: Role[];
  csrf_secret: string;
  signed_in_with: 'entra' | 'dev';
}

/**
 * A new session (a new id at every sign-in, so no id known before sign-in is ever signed in). Returns the id
 * for the cookie; the database keeps only its hash. Sessions past their timeouts are cleared on the way.
 */
export async function createSession(db: Queryable, identity: ConsoleIdentity): Promise<{ id: string; csrfSecret: string }> {
  const id = randomToken();
  const csrfSecret = randomToken();
  await db.query(
    `delete from console_sessions
      where created_at < now() - make_interval(secs => $1) or last_seen_at < now() - make_interval(secs => $2)`,
    [SESSION_ABSOLUTE_SECONDS, SESSION_IDLE_SECONDS],
  );
  await db.query(
    `insert into console_sessions (id_hash, user_id, name, roles, csrf_secret, signed_in_with) values ($1, $2, $3, $4, $5, $6)`,
    [sha256(id), identity.userId, identity.name, identity.roles, csrfSecret, identity.signedInWith],
  );
  return { id, csrfSecret };
}

/** The live session with this id, its idle clock restarted; undefined when unknown, idle too long or too old. */
export async function touchSession(db: Queryable, id: string): Promise<ConsoleSession | undefined> {
  const { rows } = await db.query<SessionRow>(
    `update console_sessions set last_seen_at = now()
      where id_hash = $1
        and last_seen_at >= now() - make_interval(secs => $2)
        and created_at >= now() - make_interval(secs => $3)
      returning user_id, name, roles, csrf_secret, signed_in_with`,
    [sha256(id), SESSION_IDLE_SECONDS, SESSION_ABSOLUTE_SECONDS],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { userId: row.user_id, name: row.name, roles: row.roles, csrfSecret: row.csrf_secret, signedInWith: row.signed_in_with };
}

/**
 * The live session with this id, without restarting its idle clock: for requests a page makes by itself (live
 * updates), which are not the person's activity, so an unattended console still signs itself out.
 */
export async function peekSession(db: Queryable, id: string): Promise<ConsoleSession | undefined> {
  const { rows } = await db.query<SessionRow>(
    `select user_id, name, roles, csrf_secret, signed_in_with from console_sessions
      where id_hash = $1
        and last_seen_at >= now() - make_interval(secs => $2)
        and created_at >= now() - make_interval(secs => $3)`,
    [sha256(id), SESSION_IDLE_SECONDS, SESSION_ABSOLUTE_SECONDS],
  );
  const row = rows[0];
  return row && { userId: row.user_id, name: row.name, roles: row.roles, csrfSecret: row.csrf_secret, signedInWith: row.signed_in_with };
}

/** Ends the session on every instance at once (its row is gone). */
export async function endSession(db: Queryable, id: string): Promise<ConsoleSession | undefined> {
  const { rows } = await db.query<SessionRow>(
    `delete from console_sessions where id_hash = $1 returning user_id, name, roles, csrf_secret, signed_in_with`,
    [sha256(id)],
  );
  const row = rows[0];
  return row && { userId: row.user_id, name: row.name, roles: row.roles, csrfSecret: row.csrf_secret, signedInWith: row.signed_in_with };
}
