import type { Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { closeServer, listenOnLoopback } from './loopback-server.js';

/**
 * A local stand-in for Azure Bot Service's token issuer: an OpenID configuration and a JWKS on loopback, and
 * RS256 tokens signed with its key, as a channel sends them to a bot (iss, aud = the bot's app id, serviceurl).
 */
export class FakeBotFrameworkIssuer {
  /** Not Azure's issuer name, so a test also shows Carepoint checks the one it is configured with. */
  readonly issuer = 'https://bot-issuer.carepoint.test';
  readonly kid = 'carepoint-test-key';
  url = '';
  private server: Server | undefined;
  private privateKey!: CryptoKey;
  /** Another key under the same kid: a token it signs has a bad signature. */
  private impostorKey!: CryptoKey;

  get metadataUrl(): string {
    return `${this.url}/.well-known/openid-configuration`;
  }

  async start(): Promise<this> {
    const pair = await generateKeyPair('RS256');
    this.privateKey = pair.privateKey;
    this.impostorKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: this.kid, use: 'sig', alg: 'RS256' };
    ({ server: this.server, url: this.url } = await listenOnLoopback((req, res) => {
      const body = req.url === '/.well-known/openid-configuration'
        ? { issuer: this.issuer, jwks_uri: `${this.url}/keys`, id_token_signing_alg_values_supported: ['RS256'] }
        : req.url === '/keys' ? { keys: [jwk] } : undefined;
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { error: 'not found' }));
    }));
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  /** A channel's token; `claims` and `options` make it wrong in one way. */
  async token(
    claims: JWTPayload & { serviceurl?: string },
    options: { expiresInSeconds?: number; impostor?: boolean; issuer?: string } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuer(options.issuer ?? this.issuer)
      .setIssuedAt(now - 60)
      .setNotBefore(now - 60)
      .setExpirationTime(now + (options.expiresInSeconds ?? 3600))
      .sign(options.impostor ? this.impostorKey : this.privateKey);
  }
}
