import type { Channel, Outcome } from '../../concerns/concern-queue.js';
import type { Priority } from '../../concerns/priority.js';
import { escapeHtml, when } from './html.js';

/** How the console names things: in words, never only in colour. */
export const PRIORITY_LABEL: Record<Priority, string> = { emergency: 'Emergency', urgent: 'Urgent', soon: 'Soon', routine: 'Routine' };
const PRIORITY_COLOUR: Record<Priority, string> = { emergency: 'red', urgent: 'orange', soon: 'yellow', routine: 'grey' };

export const OUTCOME_LABEL: Record<Outcome, string> = {
  'advice-given': 'Advice given',
  'referral-chased': 'Referral chased',
  'appointment-arranged': 'Appointment arranged',
  'passed-to-gp': 'Passed to GP',
  'passed-to-specialist-team': 'Passed to specialist team',
  other: 'Other',
};

export const CHANNEL_LABEL: Record<Channel, string> = { chat: 'Chat', sms: 'SMS' };
/** How a reply reaches the person on each channel, for "will be sent ...". */
export const CHANNEL_ROUTE: Record<Channel, string> = { chat: 'in their chat', sms: 'by text message' };

/** Bot Framework channels by their channelId, for "sent to Teams". */
const BOT_CHANNEL_NAME: Record<string, string> = {
  msteams: 'Teams', webchat: 'web chat', directline: 'Direct Line', emulator: 'the Emulator', slack: 'Slack',
  facebook: 'Messenger', telegram: 'Telegram', email: 'email', skype: 'Skype',
};
export function botChannelName(channelId: string | null): string {
  return (channelId && BOT_CHANNEL_NAME[channelId]) || `the channel${channelId ? ` (${channelId})` : ''}`;
}

export const STATUS_LABEL: Record<string, string> = { open: 'Open', claimed: 'Claimed', resolved: 'Resolved' };

export const EVENT_LABEL: Record<string, string> = {
  raised: 'Raised',
  escalated: 'Another red flag',
  claimed: 'Claimed',
  released: 'Released',
  'lease-expired': 'Claim ran out: returned to the queue',
  note: 'Note',
  reply: 'Reply to the person',
  resolved: 'Resolved',
  reopened: 'Reopened',
  'not-an-emergency': 'Marked not an emergency',
  linked: 'Linked to a patient record',
  'contact-problem': 'Problem reaching the person',
  'dead-letter': 'A message could not be delivered',
  'person-said-not-emergency': 'The person said it is not an emergency',
  'patient-told-claimed': 'The person was told who is looking at it',
  'patient-told-resolved': 'The person was told the outcome',
  'patient-told-overdue': 'The person was told it is past its target time',
  'feedback-asked': 'Feedback asked for',
  'feedback-given': 'Feedback given',
  'priority-raised': 'Priority raised',
  'wants-a-person': 'Asked to talk to a person',
  'handoff-started': 'Live conversation started',
  'handoff-ended': 'Live conversation ended',
  'patient-message': 'Message from the person',
};

export function priorityTag(priority: Priority): string {
  return `<strong class="nhsuk-tag nhsuk-tag--${PRIORITY_COLOUR[priority]}">${PRIORITY_LABEL[priority]}</strong>`;
}

export function outcomeLabel(outcome: string | null | undefined): string {
  return outcome ? (OUTCOME_LABEL[outcome as Outcome] ?? outcome) : '';
}

/** Why a priority was raised, in words: "Soon to Urgent: 3 contacts in 72 hours (repeat contact)". */
export function priorityRaisedLine(data: Record<string, unknown>): string {
  const label = (p: unknown) => PRIORITY_LABEL[p as Priority] ?? String(p);
  const why = data.reason === 'repeat-contact' ? `${String(data.contacts)} contacts in 72 hours (repeat contact)` : String(data.reason ?? '');
  return escapeHtml(`${label(data.from)} to ${label(data.to)}: ${why}`);
}

/** A red flag's id as words: "chest-pain" is "chest pain". */
export function redFlagName(id: string): string {
  return id.replace(/-/g, ' ');
}

/** A short line of an event's or audit line's own data: "outcome: Advice given; until: Wed 3 Dec 2026, 14:05". */
export function dataLine(data: Record<string, unknown>, timeZone: string, skip: string[] = []): string {
  return Object.entries(data)
    .filter(([key, value]) => !skip.includes(key) && value !== null && value !== undefined && value !== '')
    .map(([key, value]) => {
      if (typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value))) return `${escapeHtml(key)}: ${when(new Date(value).toISOString(), timeZone)}`;
      const shown = key === 'outcome' ? outcomeLabel(String(value)) : Array.isArray(value) ? value.join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value);
      return `${escapeHtml(key)}: ${escapeHtml(shown)}`;
    })
    .join('; ');
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
