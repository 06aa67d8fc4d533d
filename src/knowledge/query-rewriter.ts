import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';

const INSTRUCTIONS = [
  'You turn a message from a UK patient or carer into a short search query for a library of health information articles.',
  'Fix spelling, expand text-speak and abbreviations, keep condition and medicine names, and drop greetings.',
  'Reply with the search query only, on one line. Do not answer the question.',
].join(' ');

/**
 * Asks the model for a search-friendly rephrasing. Used only to retrieve; the model's words never reach the
 * patient. Returns undefined when the model says nothing new; throws when the model fails.
 */
export async function rephraseQuery(model: BaseChatModel, question: string, timeoutMs = 5000): Promise<string | undefined> {
  const reply = await model.invoke([new SystemMessage(INSTRUCTIONS), new HumanMessage(question)], { timeout: timeoutMs });
  const text = typeof reply.content === 'string' ? reply.content : reply.content.map((part) => ('text' in part ? String(part.text) : '')).join('');
  const line = text.split('\n').map((l) => l.trim()).find(Boolean) ?? '';
  const query = line.replace(/^(search query|query)\s*:\s*/i, '').replace(/^["'`]+|["'`]+$/g, '').slice(0, 200).trim();
  return query && query.toLowerCase() !== question.trim().toLowerCase() ? query : undefined;
}
