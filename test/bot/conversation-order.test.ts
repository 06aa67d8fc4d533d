import type { TurnContext } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { ConversationOrder } from '../../src/bot/conversation-order.js';
import { createLogger } from '../../src/logging.js';

const context = (conversation: string, channelId = 'test') =>
  ({ activity: { channelId, conversation: { id: conversation } }, turnState: new Map() }) as unknown as TurnContext;

/** A turn as the adapters run it: reserve, then screening (here: noting that it ran), then the gate, then the bot. */
function turn(order: ConversationOrder, ctx: TurnContext, screened: () => void, bot: () => Promise<void>): Promise<void> {
  return order.reserve.onTurn(ctx, async () => {
    screened();
    await order.gate.onTurn(ctx, bot);
  });
}

const later = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('one turn at a time per conversation', () => {
  it('runs the turns of one conversation in arrival order, while screening each at once', async () => {
    const order = new ConversationOrder(createLogger({ level: 'silent' }));
    const events: string[] = [];
    let releaseFirst!: () => void;
    const first = turn(order, context('a'), () => events.push('screen 1'), () => new Promise<void>((r) => (releaseFirst = r)).then(() => void events.push('bot 1')));
    const second = turn(order, context('a'), () => events.push('screen 2'), async () => void events.push('bot 2'));
    const other = turn(order, context('b'), () => events.push('screen other'), async () => void events.push('bot other'));
    await later(20);
    expect(events).toEqual(['screen 1', 'screen 2', 'screen other', 'bot other']);
    releaseFirst();
    await Promise.all([first, second, other]);
    expect(events.slice(4)).toEqual(['bot 1', 'bot 2']);
  });

  it('keeps channels apart: a chat conversation cannot queue behind an SMS one of the same name', async () => {
    const order = new ConversationOrder(createLogger({ level: 'silent' }));
    const events: string[] = [];
    const stuck = turn(order, context('sms:+447700900123', 'sms'), () => undefined, () => later(50).then(() => void events.push('sms')));
    await turn(order, context('sms:+447700900123', 'emulator'), () => undefined, async () => void events.push('chat'));
    expect(events).toEqual(['chat']);
    await stuck;
  });

  it('goes ahead when the turn before never finishes', async () => {
    const order = new ConversationOrder(createLogger({ level: 'silent' }), 50);
    void turn(order, context('c'), () => undefined, () => new Promise<void>(() => undefined));
    let ran = false;
    await turn(order, context('c'), () => undefined, async () => void (ran = true));
    expect(ran).toBe(true);
  });

  it('lets a turn started from inside the same conversation\'s turn run without waiting for itself', async () => {
    const order = new ConversationOrder(createLogger({ level: 'silent' }), 5_000);
    let inner = false;
    const started = Date.now();
    await turn(order, context('d'), () => undefined, async () => {
      await turn(order, context('d'), () => undefined, async () => void (inner = true));
    });
    expect(inner).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('drains: waits for turns in flight, and forgets finished conversations', async () => {
    const order = new ConversationOrder(createLogger({ level: 'silent' }));
    let finished = false;
    void turn(order, context('e'), () => undefined, () => later(30).then(() => void (finished = true)));
    await order.drain(1_000);
    expect(finished).toBe(true);
    expect((order as unknown as { running: Map<string, unknown> }).running.size).toBe(0);
  });
});
