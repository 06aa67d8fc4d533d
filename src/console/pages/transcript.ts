import type { HandoffView } from '../../handoff/view.js';
import type { Channel } from '../../concerns/concern-queue.js';
import type { ConcernDetail } from '../../concerns/sql/detail.js';
import { escapeHtml, when } from './html.js';
import { botChannelName, CHANNEL_LABEL } from './labels.js';

type Speaker = 'person' | 'carepoint' | 'coordinator';

interface Line {
  speaker: Speaker;
  who: string;
  channel: Channel;
  text: string;
  at: string;
  note?: string;
}

/**
 * The whole story, oldest first, on every channel: what the person wrote, what Carepoint answered, and what a
 * co-ordinator replied, with how far its delivery has gone.
 */
export function transcriptLines(detail: ConcernDetail & Partial<HandoffView>): Line[] {
  const d = detail.concern.details;
  const person = d.subject === 'someone-else' ? `Carer${typeof d.relationship === 'string' ? ` (${d.relationship})` : ''}` : 'Patient';
  const messages = detail.transcript.length
    ? detail.transcript
    // Items raised before messages were logged keep their own copy of the story.
    : detail.concern.transcript.map((t) => ({ ...t, channel: detail.concern.channel }));
  const lines: Line[] = messages.map((m) => ({
    speaker: m.direction === 'in' ? 'person' : 'carepoint', who: m.direction === 'in' ? person : 'Carepoint',
    channel: m.channel, text: m.text, at: m.at,
  }));
  // Each reply with its delivery status now (src/handoff: sending, sent, delivered, or failed and why).
  const delivery = new Map((detail.replies ?? []).map((r) => [r.id, r]));
  for (const e of detail.events) {
    if (e.kind !== 'reply' || typeof e.data.text !== 'string') continue;
    const sent = delivery.get(String(e.data.messageId));
    const line: Line = {
      speaker: 'coordinator', who: `Co-ordinator${e.actor ? ` ${e.actor.name}` : ''}`, channel: detail.concern.channel, text: e.data.text, at: e.at,
      note: deliveryNote(sent?.status ?? (typeof e.data.status === 'string' ? e.data.status : undefined), sent?.failureReason ?? null, detail.route ?? null),
    };
    // Once delivered, the channel logged it as an outbound message: that line is the reply, in its place among
    // the handoff's notices, not a second copy under Carepoint's name.
    const logged = lines.findIndex((l) => l.speaker === 'carepoint' && l.text === line.text && l.channel === line.channel && l.at >= e.at);
    if (logged >= 0) lines[logged] = { ...line, at: lines[logged]!.at };
    else lines.push(line);
  }
  // ISO instants compare as text; the sort is stable, so messages at the same instant keep their order.
  return lines.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

export function transcriptSection(detail: ConcernDetail & Partial<HandoffView>, timeZone: string): string {
  const lines = transcriptLines(detail);
  const items = lines.map((l) => `<li class="carepoint-message carepoint-message--${l.speaker}">
<p class="carepoint-message__meta"><strong>${escapeHtml(l.who)}</strong> by ${CHANNEL_LABEL[l.channel].toLowerCase()}, ${when(l.at, timeZone)}${l.note ? ` <span class="carepoint-message__note">(${escapeHtml(l.note)})</span>` : ''}</p>
<p class="carepoint-message__text">${escapeHtml(l.text)}</p></li>`);
  return `<h2 class="nhsuk-heading-m">Transcript</h2>
${items.length ? `<ol class="carepoint-transcript" aria-label="Messages, oldest first">${items.join('\n')}</ol>` : '<p class="nhsuk-body">No messages are recorded.</p>'}`;
}

/** A reply's status in words, as far as its route can tell: only SMS and the local web chat know it arrived. */
export function deliveryNote(status: string | undefined, reason: string | null, route: HandoffView['route']): string | undefined {
  if (status === 'pending delivery' || status === 'sending') return 'being sent';
  if (status === 'failed') return `not delivered${reason ? `: ${reason}` : ''}`;
  if (route?.kind === 'webchat') {
    if (status === 'delivered') return 'delivered: their chat has fetched it';
    if (status === 'sent') return 'sent: their chat has not fetched it yet';
  }
  if (route?.kind === 'bot-framework' && status === 'sent') return `sent to ${botChannelName(route.channelId)}: the channel does not say when it is read`;
  return status;
}
