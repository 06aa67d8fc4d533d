import type { Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import Provider from 'oidc-provider';
import { closeServer, listenOnLoopback } from './loopback-server.js';

/**
 * A local stand-in for an Entra ID tenant: oidc-provider on loopback under an https issuer name (msal-node refuses
 * http authorities), reached through `fetch` below, which sends https://login.carepoint.test/... to the loopback
 * port with x-forwarded-proto: https (see /work/shared/NODE20-NOTES.md). Accounts sign in with oidc-provider's
 * development login form (any password); their app roles come back in the ID token's `roles` claim, as Entra ID's do.
 */
export class FakeEntra {
  readonly issuer = 'https://login.carepoint.test';
  readonly clientId = '11111111-2222-3333-4444-555555555555';
  readonly clientSecret = 'fake-entra-client-secret';
  readonly kid = 'fake-entra-key';
  private server: Server | undefined;
  private local = '';
  private privateKey!: CryptoKey;
  private impostorKey!: CryptoKey;

  /** login name → app roles */
  constructor(private readonly accounts: Record<string, string[]>) {}

  async start(carepointBaseUrl: string): Promise<this> {
    const pair = await generateKeyPair('RS256', { extractable: true });
    this.privateKey = pair.privateKey;
    this.impostorKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.privateKey)), kid: this.kid, use: 'sig', alg: 'RS256' };
    const provider = new Provider(this.issuer, {
      clients: [{
        client_id: this.clientId,
        client_secret: this.clientSecret,
        redirect_uris: [`${carepointBaseUrl}/console/auth/callback`],
        post_logout_redirect_uris: [`${carepointBaseUrl}/console/sign-out`],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_post',
      }],
      jwks: { keys: [jwk] },
      claims: { openid: ['sub', 'name', 'roles'] },
      conformIdTokenClaims: false,
      cookies: { keys: ['fake-entra-cookie-key'] },
      findAccount: async (_ctx: unknown, id: string) => ({
        accountId: id,
        claims: async () => ({ sub: id, name: `${id[0]!.toUpperCase()}${id.slice(1)} Test`, roles: this.accounts[id] ?? [] }),
      }),
    });
    provider.proxy = true;
    ({ server: this.server, url: this.local } = await listenOnLoopback(provider.callback()));
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  /** fetch, with this tenant's https name sent to its loopback port. */
  readonly fetch = (url: string, init: RequestInit = {}): Promise<Response> => {
    if (!url.startsWith(this.issuer)) return fetch(url, init);
    const headers = new Headers(init.headers);
    headers.set('x-forwarded-proto', 'https');
    headers.set('x-forwarded-host', new URL(this.issuer).host);
    return fetch(this.local + url.slice(this.issuer.length), { ...init, headers, redirect: 'manual' });
  };

  /** An access token as the tenant would sign it for another system; `options` make it wrong in one way. */
  async accessToken(
    claims: JWTPayload & { roles?: string[] },
    options: { audience?: string; expiresInSeconds?: number; impostor?: boolean } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ oid: 'gp-system-oid', azp: 'gp-system', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(options.audience ?? this.clientId)
      .setIssuedAt(now - 120)
      .setExpirationTime(now + (options.expiresInSeconds ?? 3600))
      .sign(options.impostor ? this.impostorKey : this.privateKey);
  }
}

/**
 * A browser for the tests: a cookie jar per host, redirects followed by hand (so each hop is visible), and the
 * fake tenant's name resolved to its loopback port.
 */
export class TestBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  constructor(private readonly entra: FakeEntra) {}

  cookie(url: string, name: string): string | undefined {
    return this.jars.get(new URL(url).host)?.get(name);
  }

  setCookie(url: string, name: string, value: string): void {
    const host = new URL(url).host;
    if (!this.jars.has(host)) this.jars.set(host, new Map());
    this.jars.get(host)!.set(name, value);
  }

  /** One request, no redirect followed. */
  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const jar = this.jars.get(new URL(url).host) ?? new Map<string, string>();
    const headers: Record<string, string> = { ...init.headers };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const requestInit: RequestInit = { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body: init.form ? new URLSearchParams(init.form).toString() : undefined, redirect: 'manual' };
    const response = url.startsWith(this.entra.issuer) ? await this.entra.fetch(url, requestInit) : await fetch(url, requestInit);
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    this.jars.set(new URL(url).host, jar);
    return response;
  }

  /** Follows redirects; returns the last response and the URL it came from. */
  async navigate(url: string, init: { form?: Record<string, string> } = {}): Promise<{ response: Response; url: string; hops: string[] }> {
    let response = await this.request(url, init);
    const hops = [url];
    while (response.status >= 300 && response.status < 400 && response.headers.get('location')) {
      url = new URL(response.headers.get('location')!, url).toString();
      hops.push(url);
      response = await this.request(url);
    }
    return { response, url, hops };
  }

  /** Signs in at the fake tenant's login and consent forms, starting from Carepoint's sign-in page. */
  async signIn(carepointUrl: string, login: string, returnTo?: string): Promise<{ response: Response; url: string; hops: string[] }> {
    let step = await this.navigate(`${carepointUrl}/console/sign-in${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`);
    const hops = [...step.hops];
    for (let forms = 0; forms < 4 && step.url.startsWith(this.entra.issuer); forms++) {
      const html = await step.response.text();
      const action = /action="([^"]+)"/.exec(html)?.[1];
      if (!action) throw new Error(`no form at ${step.url}: ${step.response.status} ${html.slice(0, 300)}`);
      const fields: Record<string, string> = {};
      for (const m of html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) fields[m[1]!] = m[2]!;
      if (/name="login"/.test(html)) Object.assign(fields, { login, password: 'any' });
      step = await this.navigate(new URL(action, step.url).toString(), { form: fields });
      hops.push(...step.hops);
    }
    return { ...step, hops };
  }
}
