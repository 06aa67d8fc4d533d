import type { TestAdapter } from 'botbuilder';
import { replyMatching } from './test-bot.js';

/** One exchange: what the person says, and a pattern for each reply the bot must give, in order. */
export type Exchange = [userSays: string, ...botReplies: RegExp[]];

/** Runs a conversation written as a transcript and fails on the first reply that does not match. */
export async function runTranscript(adapter: TestAdapter, exchanges: Exchange[]): Promise<void> {
  let flow = adapter.send(exchanges[0]![0]);
  exchanges.forEach(([, ...replies], index) => {
    if (index > 0) flow = flow.send(exchanges[index]![0]);
    replies.forEach((pattern, n) => {
      flow = flow.assertReply(replyMatching(pattern), `exchange ${index + 1} ("${exchanges[index]![0]}"), reply ${n + 1}`);
    });
  });
  await flow.assertNoReply('no further replies', 150).startTest();
}
