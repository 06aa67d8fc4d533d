import { MessageFactory, type Activity } from 'botbuilder';
import type { Queryable } from '../db/database.js';
import { normalisedReply } from '../bot/whole-reply.js';
import type { ScreenResult } from './emergency-screen.js';
import { MODEL_ASSESSED_FLAG } from './model-urgency-check.js';
import type { RedFlag } from './red-flags.js';

/** How long a check question waits for its answer; after that the next message is taken as it comes. */
const ANSWER_WITHIN = '30 minutes';

// DRAFT: the wording needs the same clinical sign-off as red-flags.yaml.
const QUESTION = 'Is someone in danger right now, for example not breathing, unconscious, badly bleeding, or thinking of ending their life? Call 999 now if so.';

/** The check question: buttons on chat, numbered on SMS (the SMS adapter numbers suggested actions). */
export function riskCheckQuestion(): Partial<Activity> {
  return MessageFactory.suggestedActions(['Yes, someone is in danger', 'No, carry on'], QUESTION);
}

export type RiskCheckAnswer = 'yes' | 'no' | undefined;

/** "yes", "1", "yes someone is in danger" / "no", "2", "no carry on"; anything else is not an answer. */
export function riskCheckAnswerOf(text: string): RiskCheckAnswer {
  const t = normalisedReply(text);
  if (/^(1|y|yes|yeah|yep|yes please|yes someone is in danger|someone is in danger|danger)$/.test(t)) return 'yes';
  if (/^(2|n|no|nope|no carry on|carry on|no one is in danger|nobody is in danger|no its fine|no it s fine)$/.test(t)) return 'no';
  return undefined;
}

/** Holds the message that raised the question until it is answered (one question per conversation). */
export async function holdForRiskCheck(db: Queryable, conversationId: string, text: string): Promise<void> {
  await db.query(
    `insert into risk_checks (conversation_id, held_text, asked_at) values ($1, $2, now())
     on conflict (conversation_id) do update set held_text = excluded.held_text, asked_at = excluded.asked_at`,
    [conversationId, text],
  );
}

/** The held message of an unanswered check question (removing it), or undefined when none is waiting. */
export async function takeRiskCheck(db: Queryable, conversationId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ held_text: string; fresh: boolean }>(
    `delete from risk_checks where conversation_id = $1
     returning held_text, asked_at > now() - interval '${ANSWER_WITHIN}' as fresh`,
    [conversationId],
  );
  return rows[0]?.fresh ? rows[0].held_text : undefined;
}

/** The red flag recorded when a person answers yes to the check question. */
export const DANGER_CONFIRMED_FLAG: RedFlag = {
  ...MODEL_ASSESSED_FLAG,
  id: 'danger-confirmed',
  kinds: [],
  explain: 'The person answered yes to the check question: someone is in danger right now.',
};

/** A yes to the check question takes exactly the path of any other emergency. */
export function dangerConfirmedResult(): ScreenResult {
  return { emergency: true, advice: '999', matches: [{ flag: DANGER_CONFIRMED_FLAG, phrase: '(check question: yes)', by: 'rules' }], setAside: [], risk: true, uncertain: false };
}
