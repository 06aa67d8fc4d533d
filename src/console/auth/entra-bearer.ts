import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Request } from 'restify';
import { knownRoles, type Coordinator, type CoordinatorAuthenticator } from '../../http/coordinator-auth.js';
import { Unauthorized } from '../../http/errors.js';
import type { EntraDirectory } from './entra-directory.js';

/** A JWT's shape: three base64url parts. Anything else (the dev token) is not this authenticator's to judge. */
const JWT = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/;

/**
 * Entra ID access tokens for other systems (a GP system's integration): signed by the tenant's keys (its JWKS),
 * from its issuer, for this app (ENTRA_CLIENT_ID, or its api:// URI), unexpired; roles from the `roles` claim.
 */
export class EntraBearerAuthenticator implements CoordinatorAuthenticator {
  private keys: { jwks: JWTVerifyGetKey; issuer: string } | undefined;

  constructor(
    private readonly directory: EntraDirectory,
    private readonly clientId: string,
  ) {}

  async authenticate(req: Request): Promise<Coordinator | null> {
    const match = JWT.exec(req.header('authorization') ?? '');
    if (!match) return null;
    const { jwks, issuer } = await this.signingKeys();
    let payload;
    try {
      ({ payload } = await jwtVerify(match[1]!, jwks, {
        issuer,
        audience: [this.clientId, `api://${this.clientId}`],
        algorithms: ['RS256'],
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw new Unauthorized(`access token refused: ${error instanceof errors.JOSEError ? error.code : 'not valid'}`);
    }
    const id = String(payload.oid ?? payload.sub ?? '');
    if (!id) throw new Unauthorized('access token refused: it names no user or application');
    const name = String(payload.name ?? payload.azp ?? payload.appid ?? id);
    return { id, name, roles: knownRoles(payload.roles), via: 'bearer' };
  }

  private async signingKeys(): Promise<{ jwks: JWTVerifyGetKey; issuer: string }> {
    if (!this.keys) {
      const configuration = await this.directory.openIdConfiguration();
      const fetchKeys = this.directory.fetch;
      this.keys = {
        issuer: configuration.issuer,
        // jose caches the keys and fetches them again for a key id it does not know (Entra ID rotates keys).
        jwks: createRemoteJWKSet(new URL(configuration.jwks_uri), { [customFetch]: (url: string, init: RequestInit) => fetchKeys(url, init) }),
      };
    }
    return this.keys;
  }
}
