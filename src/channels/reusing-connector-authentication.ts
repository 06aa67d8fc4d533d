import { ConfigurationBotFrameworkAuthentication, StatusCodes } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import { LRUCache } from 'lru-cache';

type Authenticated = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;
type ConnectorFactory = NonNullable<Authenticated['connectorFactory']>;
type ClaimsIdentity = Authenticated['claimsIdentity'];
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;
type UserTokenClient = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>>;

/**
 * Bot Framework authentication whose connector and user token clients are reused. CloudAdapter asks for a
 * new one of each on every turn, even when every reply goes back in the HTTP response (expectReplies), and
 * building them (credentials and an HTTP pipeline each) was 6% and 2% of a turn's CPU. A connector client
 * depends only on the bot's app id, the channel's service URL and the audience, a user token client only on
 * the app id; both are safe to share between turns, and their credentials renew their own tokens. Bounded,
 * because an unauthenticated (local) request names any service URL it likes.
 */
export class ReusingConnectorAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly clients = new LRUCache<string, Promise<ConnectorClient>>({ max: 100 });
  private readonly tokenClients = new LRUCache<string, Promise<UserTokenClient>>({ max: 100 });

  override async authenticateRequest(...args: Parameters<ConfigurationBotFrameworkAuthentication['authenticateRequest']>): Promise<Authenticated> {
    const result = await super.authenticateRequest(...args).catch(asAuthenticationError);
    if (!result.connectorFactory) return result;
    return { ...result, connectorFactory: this.reusing(result.claimsIdentity, result.connectorFactory) };
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.reusing(claimsIdentity, super.createConnectorFactory(claimsIdentity));
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return reuse(this.tokenClients, appIdOf(claimsIdentity), () => super.createUserTokenClient(claimsIdentity));
  }

  private reusing(identity: ClaimsIdentity, factory: ConnectorFactory): ConnectorFactory {
    const appId = appIdOf(identity);
    return {
      create: (serviceUrl: string, audience?: string) =>
        reuse(this.clients, JSON.stringify([appId, serviceUrl, audience ?? null]), () => factory.create(serviceUrl, audience)),
    } as ConnectorFactory;
  }
}

/** The app id the SDK's own factories use: the audience claim from a channel, the appid claim from the Emulator. */
function appIdOf(identity: ClaimsIdentity): string {
  return identity.getClaimValue('aud') ?? identity.getClaimValue('appid') ?? '';
}

function reuse<T>(cache: LRUCache<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let client = cache.get(key);
  if (!client) {
    client = make();
    cache.set(key, client);
    // A failure (credentials not available yet) is not kept: the next turn tries again.
    client.catch(() => cache.delete(key));
  }
  return client;
}

/**
 * The SDK lets jsonwebtoken's own errors for a bad signature or a malformed or not-yet-valid token escape as
 * they are, and CloudAdapter answers anything that is not its AuthenticationError with 500: a forged token
 * would look like a server fault. They are refusals (401).
 */
function asAuthenticationError(error: unknown): never {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'JsonWebTokenError' || name === 'NotBeforeError' || name === 'TokenExpiredError') {
    throw new AuthenticationError('Unauthorized. The token is not valid.', StatusCodes.UNAUTHORIZED);
  }
  throw error;
}
