import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/** How Carepoint reaches Entra ID: fetch, unless a test points it at a local OpenID provider. */
export type EntraFetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface OpenIdConfiguration {
  issuer: string;
  jwks_uri: string;
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
}

/** The tenant's OpenID configuration, fetched once on first use (start-up does not wait on Entra ID). */
export class EntraDirectory {
  private configuration: Promise<OpenIdConfiguration> | undefined;

  constructor(
    /** ENTRA_AUTHORITY: where `/.well-known/openid-configuration` is, e.g. https://login.microsoftonline.com/{tenant}/v2.0 */
    readonly authority: string,
    readonly fetch: EntraFetch = globalThis.fetch,
  ) {}

  openIdConfiguration(): Promise<OpenIdConfiguration> {
    this.configuration ??= this.load().catch((error: unknown) => {
      this.configuration = undefined; // try again on the next request
      throw error;
    });
    return this.configuration;
  }

  private async load(): Promise<OpenIdConfiguration> {
    const response = await this.fetch(`${this.authority.replace(/\/$/, '')}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`Entra ID OpenID configuration: HTTP ${response.status}`);
    return (await response.json()) as OpenIdConfiguration;
  }

  /** msal-node's HTTP client, over the same fetch. */
  networkClient(): INetworkModule {
    const send = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
      const response = await this.fetch(url, { method, headers: options?.headers, body: options?.body, signal: AbortSignal.timeout(10_000) });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => (headers[name] = value));
      return { status: response.status, headers, body: (await response.json()) as T };
    };
    return {
      sendGetRequestAsync: (url, options) => send('GET', url, options),
      sendPostRequestAsync: (url, options) => send('POST', url, options),
    };
  }
}
