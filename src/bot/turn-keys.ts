import type { Priority } from '../concerns/priority.js';

/** Turn-state key set by the inbound middleware and read by the dialogs. */
export const EMERGENCY_HANDLED = Symbol('carepoint.emergencyHandled');

/**
 * Who is talking, as established by a channel adapter that verified it (the SMS adapter, from a
 * signature-checked webhook). Turn state, because no client can write there: anything in the activity,
 * channelData included, is the client's say-so.
 */
export const TRUSTED_IDENTITY = Symbol('carepoint.trustedIdentity');
export interface TrustedIdentity {
  /** `patient:<id>` for a number registered to a patient, else the channel's own key for the sender. */
  requesterKey?: string;
  /** The E.164 number the person is texting from. */
  phone?: string;
}

/**
 * Set by a channel that has already made sure a delivery is processed once and is now processing it
 * again because its first attempt died unanswered (an SMS claim taken over after its lease). The
 * inbound record then already exists, and the turn must run regardless.
 */
export const REDELIVERY = Symbol('carepoint.redelivery');

/**
 * Set by the dialogs when this turn's reply was a confident answer from an article. A message with risk
 * words gets the safety-net line unless it was answered so (a decline, an unsure reply or a concern
 * question always ends with it).
 */
export const ANSWERED_FROM_ARTICLE = Symbol('carepoint.answeredFromArticle');

/**
 * Set on an emergency turn: the time (Date.now()) past which nothing in the turn waits on storage, so the 999
 * instruction goes back even when storage hangs. The turn-order gate reads it too.
 */
export const EMERGENCY_DEADLINE = Symbol('carepoint.emergencyDeadline');

/**
 * The keys a channel stores a conversation and its person under, when the activity's own ids are the client's
 * say-so (Bot Framework: any client can name any conversation.id and channelId). Set by that channel's adapter
 * before anything else runs, so those ids live in their own namespace and can never address a conversation,
 * state or concern of another channel (`sms:+44...`, a local web chat).
 */
export const CHANNEL_KEYS = Symbol('carepoint.channelKeys');
export interface ChannelKeys {
  conversationKey: string;
  requesterKey: string;
}

/**
 * What the conversation held when this turn's message was recorded (src/queue/conversation-log.ts
 * ConversationAtInbound), set by the inbound middleware when the message was new. The steps after it read the
 * database only where this says there is something to read; without it (a redelivery) they read as before.
 */
export const CONVERSATION_AT_INBOUND = Symbol('carepoint.conversationAtInbound');

/** The emergency screen's result for this turn's message, set by the inbound middleware for those after it. */
export const SCREENED = Symbol('carepoint.screened');

/**
 * Set when this turn's reply already told the person where to go if it is happening now (the 999/111 line
 * in their language): the inbound middleware's safety-net line is then not said twice.
 */
export const SAFETY_NET_GIVEN = Symbol('carepoint.safetyNetGiven');

/**
 * Set on the assistant's first turn after a live handoff ended (src/handoff): the person was greeted again, so a
 * question asked before the co-ordinator joined is no longer pending and the dialogs start afresh.
 */
export const START_AFRESH = Symbol('carepoint.startAfresh');

/**
 * Set by the handoff middleware when the person asked for a live person and the request is committed (a
 * wants-a-person concern): the dialogs tell them what to expect and offer to take the details.
 */
export const WANTS_A_PERSON = Symbol('carepoint.wantsAPerson');
export interface WantsAPersonTurn {
  reference: string;
  priority: Priority;
  hasDetails: boolean;
}
