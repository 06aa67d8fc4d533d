import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { TestAdapter, type Activity } from 'botbuilder';
import { buildBot, type BotDeps } from '../../src/bot/build-bot.js';
import { loadLanguageLines } from '../../src/language/language-lines.js';
import { TRUSTED_IDENTITY, type TrustedIdentity } from '../../src/bot/turn-keys.js';
import { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/database.js';
import { openPgliteDatabase } from '../../src/db/pglite-database.js';
import { openKnowledgeService, type KnowledgeService } from '../../src/knowledge/knowledge-service.js';
import { createIdHasher, createLogger } from '../../src/logging.js';
import { createEmergencyScreen } from '../../src/safety/emergency-screen.js';
import type { RiskClassifier } from '../../src/safety/risk-classifier.js';
import { freshDataDir } from './database-template.js';

export const KNOWLEDGE_DIR = new URL('../../knowledge', import.meta.url).pathname;

export interface TestBot {
  db: Database;
  clock: ManualClock;
  knowledge: KnowledgeService;
  /** A new conversation with the bot through botbuilder's TestAdapter. */
  /** A new conversation; `identity` is what a verifying channel adapter (SMS) would establish. */
  conversation(options?: { channelId?: string; identity?: TrustedIdentity }): TestAdapter;
  close(): Promise<void>;
}

/**
 * The real bot, dialogs, middleware, knowledge and PGlite storage, driven by TestAdapter. `classifier`
 * replaces the screen's statistical detector (tests that need a message in a given band).
 */
export async function openTestBot(
  options: {
    classifier?: RiskClassifier;
    /** What the paging feature gives the bot in the composition root: the concern's promise and the 999 note, from the rota. */
    onCall?: (parts: { db: Database; clock: ManualClock }) => Pick<BotDeps, 'expectation' | 'alertedNote'>;
    /** Wraps the database the bot is given (to see the statements a turn makes). */
    database?: (db: Database) => Database;
  } = {},
): Promise<TestBot> {
  const opened = await openPgliteDatabase(join(await freshDataDir(), 'pg'));
  const db = options.database?.(opened) ?? opened;
  const clock = new ManualClock(new Date('2026-11-24T10:00:00Z'));
  const logger = createLogger({ level: 'silent' });
  const knowledge = await openKnowledgeService({ dir: KNOWLEDGE_DIR, clock, logger });
  const screen = createEmergencyScreen(() => (options.classifier ? { ...knowledge.redFlags(), classifier: options.classifier } : knowledge.redFlags()));
  const languages = await loadLanguageLines(KNOWLEDGE_DIR);
  const { bot, middleware } = buildBot({
    db, clock, knowledge, screen, logger, hashId: createIdHasher('test'), languages, ...options.onCall?.({ db, clock }),
  });
  return {
    db,
    clock,
    knowledge,
    conversation(options = {}) {
      const id = randomUUID();
      const template: Partial<Activity> = { channelId: options.channelId ?? 'test' };
      const adapter = new TestAdapter((context) => bot.run(context), template);
      const identity = options.identity;
      if (identity) {
        adapter.use(async (context, next) => {
          context.turnState.set(TRUSTED_IDENTITY, identity);
          await next();
        });
      }
      adapter.conversation.conversation = { id: `conv-${id}`, isGroup: false, name: 'test', conversationType: 'personal' };
      adapter.conversation.user = { id: `user-${id}`, name: 'Patient' };
      for (const m of middleware) adapter.use(m);
      return adapter;
    },
    async close() {
      await knowledge.close();
      await opened.close();
    },
  };
}

/** Reply-text matcher for TestFlow.assertReply. */
export function replyMatching(pattern: RegExp) {
  return (activity: Partial<Activity>, description?: string) => {
    if (!pattern.test(activity.text ?? '')) {
      throw new Error(`${description ?? 'reply'}: expected ${pattern} but the bot said: ${JSON.stringify(activity.text)}`);
    }
  };
}
