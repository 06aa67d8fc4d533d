import type { Middleware } from 'botbuilder';
import { MainDialog, type ConversationMemory, type MainDialogDeps } from '../../dialogs/main-dialog.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { KnowledgeGapCounter } from '../knowledge/knowledge-gaps.js';
import type { KnowledgeBase } from '../knowledge/types.js';
import type { Logger } from '../logging.js';
import type { EmergencyScreen } from '../safety/emergency-screen.js';
import type { UrgencyCheck } from '../safety/model-urgency-check.js';
import { defaultWorkingHours, type WorkingHours } from '../concerns/working-hours.js';
import { SqlBotStorage } from '../storage/sql-bot-storage.js';
import { CarepointBot } from './carepoint-bot.js';
import { ConversationOrder } from './conversation-order.js';
import { InboundMiddleware, type InboundDeps } from './inbound-middleware.js';
import { LanguageMiddleware } from '../language/language-middleware.js';
import type { LanguageLines } from '../language/language-lines.js';
import { TurnLeases, type LastTurn } from './turn-leases.js';
import type { EmergencySpool } from '../safety/emergency-spool.js';
import { NamespacedConversationState } from './namespaced-conversation-state.js';
import { HandoffMiddleware } from '../handoff/handoff-middleware.js';
import { FeedbackStep } from '../patient-updates/feedback-step.js';
import { RepeatContactStep } from '../patient-updates/repeat-contact-step.js';

export interface BotDeps {
  db: Database;
  clock: Clock;
  knowledge: KnowledgeBase;
  screen: EmergencyScreen;
  logger: Logger;
  hashId: (value: string) => string;
  /** Optional language-model second opinion on urgency (src/safety/model-urgency-check.ts). */
  urgencyCheck?: UrgencyCheck;
  /** Emergencies storage could not take (src/safety/emergency-spool.ts). */
  spool?: EmergencySpool;
  /** After this, a delivery whose turn died mid-way is processed by the next delivery of it. Default 30 s. */
  turnLeaseMs?: number;
  /** How long an emergency turn waits on storage before answering (default EMERGENCY_STORAGE_WAIT_MS). */
  emergencyWaitMs?: number;
  /** The team's working hours (WORKING_HOURS); default Mon-Fri 08:00-18:00 Europe/London. */
  workingHours?: WorkingHours;
  /** The 999/111 line in other languages (knowledge/languages.yaml); without it every message is taken as English. */
  languages?: LanguageLines;
  /** What a concern's reply promises, from the rota and the queue; unset: the working hours alone. */
  expectation?: MainDialogDeps['expectation'];
  /** The note after a 999 reply, from the rota (paging); unset: the working hours alone. */
  alertedNote?: InboundDeps['alertedNote'];
}

/**
 * The one bot every channel runs, and the middleware every channel's adapter must use
 * (emergency screening first). Channels add only conversion and delivery.
 */
export function buildBot(botDeps: BotDeps): { bot: CarepointBot; middleware: Middleware[]; turns: ConversationOrder } {
  const deps = { ...botDeps, workingHours: botDeps.workingHours ?? defaultWorkingHours() };
  // Embedded PGlite has one writer, this process, so recent state can be served from memory.
  const conversationState = new NamespacedConversationState(new SqlBotStorage(deps.db, deps.db.kind === 'pglite' ? 10_000 : 0));
  const dialogState = conversationState.createProperty('dialogState');
  const memory = conversationState.createProperty<ConversationMemory>('memory');
  const gaps = new KnowledgeGapCounter({ db: deps.db, clock: deps.clock, logger: deps.logger });
  const dialog = new MainDialog({ db: deps.db, clock: deps.clock, logger: deps.logger, knowledge: deps.knowledge, memory, gaps, workingHours: deps.workingHours, expectation: deps.expectation });
  const leases = new TurnLeases(deps.db, conversationState.createProperty<LastTurn>('lastTurn'), deps.turnLeaseMs ?? 30_000);
  const bot = new CarepointBot(dialog, conversationState, dialogState, memory, leases);
  // A place in line first (no waiting), then emergency screening, then one turn at a time per conversation,
  // then who answers: the assistant, or the co-ordinator holding a live handoff (src/handoff).
  const turns = new ConversationOrder(deps.logger);
  const handoff = new HandoffMiddleware({ db: deps.db, clock: deps.clock, logger: deps.logger });
  // Screening first; while a co-ordinator holds the conversation they read it; otherwise a message in another
  // language is answered, in turn order, instead of by the dialogs.
  const language = deps.languages ? [new LanguageMiddleware({ ...deps, lines: deps.languages })] : [];
  // Every turn may be a (repeat) contact, handoff or not. An answer to the feedback question comes before the
  // handoff's routing, so that "speak to a human" in reply lapses the question as any other new request does
  // (a handoff starting lapses it too, src/handoff/handoff.ts).
  const contacts = new RepeatContactStep(deps);
  const feedback = new FeedbackStep(deps);
  return { bot, middleware: [turns.reserve, new InboundMiddleware({ ...deps, leases }), turns.gate, contacts, feedback, handoff, ...language], turns };
}
