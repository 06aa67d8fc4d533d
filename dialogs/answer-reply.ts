import type { TurnContext } from 'botbuilder';
import { channelOf } from '../src/bot/channel.js';
import type { KnowledgeAnswer } from '../src/knowledge/types.js';

/** The part of the conversation's memory that a knowledge reply sets. */
export interface AnswerMemory {
  /** The article of the last SMS answer that had more to send on "MORE" (fetched again then, never stored). */
  pendingMore?: { articleId: string; question: string };
  /** We offered a co-ordinator after an answer we could not give: "yes" takes it up. */
  offeredCoordinator?: boolean;
}

/** Sends a knowledge answer (or the "not sure" text) as the channel needs it, and notes what "MORE" would send. */
export async function replyWithAnswer(context: TurnContext, answer: KnowledgeAnswer, question: string, memory: AnswerMemory): Promise<void> {
  const channel = channelOf(context.activity);
  await context.sendActivity(channel === 'sms' ? answer.sms : answer.chat);
  memory.pendingMore = channel === 'sms' && answer.smsMore && answer.source ? { articleId: answer.source.id, question } : undefined;
  memory.offeredCoordinator = !answer.answered;
}
