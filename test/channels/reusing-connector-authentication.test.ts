import { describe, expect, it } from 'vitest';
import { ReusingConnectorAuthentication } from '../../src/channels/reusing-connector-authentication.js';

// What the Emulator sends with no app id configured: authentication disabled, as for local use.
const activity = { type: 'message', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9', conversation: { id: 'c' } };

describe('Bot Framework authentication that reuses its clients', () => {
  it('builds one connector client per service URL and one user token client per app, not one a turn', async () => {
    const auth = new ReusingConnectorAuthentication({});
    const turn = () => auth.authenticateRequest(activity as never, '');
    const [first, second] = [await turn(), await turn()];

    const connector = (result: typeof first, serviceUrl: string) => result.connectorFactory!.create(serviceUrl, result.audience);
    expect(await connector(second, 'http://127.0.0.1:9')).toBe(await connector(first, 'http://127.0.0.1:9'));
    expect(await connector(second, 'http://127.0.0.1:10')).not.toBe(await connector(first, 'http://127.0.0.1:9'));

    const tokens = await auth.createUserTokenClient(first.claimsIdentity);
    expect(await auth.createUserTokenClient(second.claimsIdentity)).toBe(tokens);
  });
});
