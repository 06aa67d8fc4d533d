import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { LRUCache } from 'lru-cache';

type Authenticated = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;
type ConnectorFactory = NonNullable<Authenticated['connectorFactory']>;
type ClaimsIdentity = Authenticated['claimsIdentity'];
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;

/**
 * Bot Framework authentication whose connector clients are reused. CloudAdapter asks for a new connector
 * client on every turn, even when every reply goes back in the HTTP response (expectReplies), and building
 * one (credentials and an HTTP pipeline) was 6% of a turn's CPU. A client depends only on the bot's app id,
 * the channel's service URL and the audience, and is safe to share between turns; its credentials renew
 * their own tokens. Bounded, because an unauthenticated (local) request names any service URL it likes.
 */
export class ReusingConnectorAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly clients = new LRUCache<string, Promise<ConnectorClient>>({ max: 100 });

  override async authenticateRequest(...args: Parameters<ConfigurationBotFrameworkAuthentication['authenticateRequest']>): Promise<Authenticated> {
    const result = await super.authenticateRequest(...args);
    if (!result.connectorFactory) return result;
    return { ...result, connectorFactory: this.reusing(result.claimsIdentity, result.connectorFactory) };
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.reusing(claimsIdentity, super.createConnectorFactory(claimsIdentity));
  }

  private reusing(identity: ClaimsIdentity, factory: ConnectorFactory): ConnectorFactory {
    // The app id the SDK's own factory uses: the audience claim from a channel, the appid claim from the Emulator.
    const appId = identity.getClaimValue('aud') ?? identity.getClaimValue('appid') ?? '';
    return {
      create: (serviceUrl: string, audience?: string) => {
        const key = JSON.stringify([appId, serviceUrl, audience ?? null]);
        let client = this.clients.get(key);
        if (!client) {
          client = factory.create(serviceUrl, audience);
          this.clients.set(key, client);
          // A failure (credentials not available yet) is not kept: the next turn tries again.
          client.catch(() => this.clients.delete(key));
        }
        return client;
      },
    } as ConnectorFactory;
  }
}
