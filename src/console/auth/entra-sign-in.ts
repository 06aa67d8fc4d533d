import { ConfidentialClientApplication, CryptoProvider, ProtocolMode, type Configuration } from '@azure/msal-node';
import type { Queryable } from '../../db/database.js';
import { knownRoles } from '../../http/coordinator-auth.js';
import { Unauthorized } from '../../http/errors.js';
import type { EntraDirectory } from './entra-directory.js';
import type { ConsoleIdentity } from './session-store.js';
import { randomToken, sha256 } from './secrets.js';

/** A sign-in must come back from Entra ID within this long. */
export const SIGN_IN_SECONDS = 10 * 60;

export interface EntraClientSettings {
  clientId: string;
  /** ENTRA_CLIENT_SECRET, or a certificate (ENTRA_CERTIFICATE_KEY_FILE's key and its SHA-256 thumbprint). */
  credential: { clientSecret: string } | { clientCertificate: { thumbprintSha256: string; privateKey: string } };
}

/**
 * Signing co-ordinators in with Entra ID through msal-node: the authorization code flow with PKCE, as a
 * confidential client. What a sign-in needs to finish (PKCE verifier, nonce, where to go after) is kept in the
 * database under a hash of the state; the query brings only the state and code back.
 */
export class EntraSignIn {
  private readonly client: ConfidentialClientApplication;
  private readonly crypto = new CryptoProvider();
  private readonly scopes = ['openid', 'profile'];

  constructor(
    private readonly db: Queryable,
    private readonly directory: EntraDirectory,
    private readonly settings: EntraClientSettings,
  ) {
    const configuration: Configuration = {
      auth: {
        clientId: settings.clientId,
        authority: directory.authority,
        // Whatever cloud the authority is in (sovereign clouds, a test's local issuer): no instance discovery.
        knownAuthorities: [new URL(directory.authority).host],
        ...settings.credential,
      },
      system: { networkClient: directory.networkClient(), protocolMode: ProtocolMode.OIDC },
    };
    this.client = new ConfidentialClientApplication(configuration);
  }

  /** Where to send the browser; `state` goes into the browser's sign-in cookie too, tying the callback to it. */
  async start(redirectUri: string, returnTo: string): Promise<{ url: string; state: string }> {
    const { verifier, challenge } = await this.crypto.generatePkceCodes();
    const state = randomToken();
    const nonce = randomToken();
    await this.db.query(`delete from console_sign_ins where created_at < now() - make_interval(secs => $1)`, [SIGN_IN_SECONDS]);
    await this.db.query(
      `insert into console_sign_ins (state_hash, code_verifier, nonce, return_to) values ($1, $2, $3, $4)`,
      [sha256(state), verifier, nonce, returnTo],
    );
    const url = await this.client.getAuthCodeUrl({
      scopes: this.scopes, redirectUri, state, nonce, codeChallenge: challenge, codeChallengeMethod: 'S256',
    });
    return { url, state };
  }

  /** Exchanges the code (once: the sign-in row is taken in the same statement that reads it) for the co-ordinator. */
  async finish(redirectUri: string, query: { code: string; state: string }): Promise<{ identity: ConsoleIdentity; returnTo: string }> {
    const { rows } = await this.db.query<{ code_verifier: string; nonce: string; return_to: string }>(
      `delete from console_sign_ins where state_hash = $1 and created_at >= now() - make_interval(secs => $2)
        returning code_verifier, nonce, return_to`,
      [sha256(query.state), SIGN_IN_SECONDS],
    );
    const pending = rows[0];
    if (!pending) throw new Unauthorized('this sign-in has expired or was already used: sign in again');
    let result;
    try {
      // msal checks the ID token's nonce against the request's (the state was checked above, against the database).
      result = await this.client.acquireTokenByCode(
        { code: query.code, redirectUri, scopes: this.scopes, codeVerifier: pending.code_verifier, nonce: pending.nonce },
        { code: query.code },
      );
    } catch (error) {
      throw new Unauthorized(`Entra ID refused the sign-in: ${(error as { errorCode?: string }).errorCode ?? 'token request failed'}`);
    }
    const claims = result.idTokenClaims as Record<string, unknown>;
    if (claims.nonce !== pending.nonce) throw new Unauthorized('the sign-in response does not match this sign-in: sign in again');
    const userId = String(claims.oid ?? claims.sub ?? '');
    if (!userId) throw new Unauthorized('the ID token names no user');
    const name = String(claims.name ?? claims.preferred_username ?? userId);
    return { identity: { userId, name, roles: knownRoles(claims.roles), signedInWith: 'entra' }, returnTo: pending.return_to };
  }

  /** Entra ID's own sign-out, coming back to `postLogoutRedirectUri`; undefined when the tenant names no endpoint. */
  async signOutUrl(postLogoutRedirectUri: string): Promise<string | undefined> {
    const { end_session_endpoint: endpoint } = await this.directory.openIdConfiguration();
    if (!endpoint) return undefined;
    const url = new URL(endpoint);
    url.searchParams.set('client_id', this.settings.clientId);
    url.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri);
    return url.toString();
  }
}
