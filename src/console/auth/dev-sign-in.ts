import type { Queryable } from '../../db/database.js';
import { randomToken, sha256 } from './secrets.js';

/** A development sign-in link is good for this long, once. */
export const DEV_LINK_SECONDS = 10 * 60;

/** A new one-time token for `/console/dev-sign-in?token=`; the database keeps only its hash. */
export async function issueDevSignInToken(db: Queryable): Promise<string> {
  const token = randomToken();
  await db.query(`delete from console_dev_sign_in_links where created_at < now() - make_interval(secs => $1)`, [DEV_LINK_SECONDS]);
  await db.query(`insert into console_dev_sign_in_links (token_hash) values ($1)`, [sha256(token)]);
  return token;
}

/** true once for a token issued within ten minutes: marking it used and checking it are one statement. */
export async function redeemDevSignInToken(db: Queryable, token: string): Promise<boolean> {
  const { rows } = await db.query(
    `update console_dev_sign_in_links set used_at = now()
      where token_hash = $1 and used_at is null and created_at >= now() - make_interval(secs => $2)
      returning 1`,
    [sha256(token), DEV_LINK_SECONDS],
  );
  return rows.length === 1;
}
