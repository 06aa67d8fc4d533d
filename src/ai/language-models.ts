import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import type { Config } from '../config.js';

export interface LanguageModels {
  /** Rephrases questions for retrieval and may raise urgency; never writes what the patient reads. */
  chatModel?: BaseChatModel;
  /** Vectors for articles (at load) and for each question (vector retrieval). */
  embeddings?: EmbeddingsInterface;
}

/** Client-level ceiling per request; callers set tighter limits of their own (rephrase 5 s, urgency 3 s). */
const REQUEST_TIMEOUT_MS = 10_000;
/** One retry: a patient is waiting, and every caller already falls back to the rules or lexical search. */
const MAX_RETRIES = 1;

/**
 * The OpenAI-compatible models named in configuration, or none. Nothing is contacted here: the clients
 * connect on first use. config.ts guarantees OPENAI_API_KEY whenever a model is named.
 */
export function createLanguageModels(
  config: Pick<Config, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_CHAT_MODEL' | 'OPENAI_EMBEDDINGS_MODEL'>,
): LanguageModels {
  const apiKey = config.OPENAI_API_KEY;
  if (!apiKey) return {};
  const connection = {
    apiKey,
    configuration: config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : undefined,
    timeout: REQUEST_TIMEOUT_MS,
    maxRetries: MAX_RETRIES,
  };
  return {
    // No temperature: reasoning models refuse anything but their default, and both uses parse the reply strictly.
    chatModel: config.OPENAI_CHAT_MODEL ? new ChatOpenAI({ ...connection, model: config.OPENAI_CHAT_MODEL }) : undefined,
    embeddings: config.OPENAI_EMBEDDINGS_MODEL ? new OpenAIEmbeddings({ ...connection, model: config.OPENAI_EMBEDDINGS_MODEL }) : undefined,
  };
}
