import type { Activity } from 'botbuilder';
import { gsm7Length, toGsm7 } from '../../knowledge/gsm7.js';

/** Twilio's limit for one message body; longer bodies are refused. Measured in GSM-7 septets. */
export const SMS_MAX_LENGTH = 1600;
/** Septets in one segment of a concatenated SMS: what arrives first on the handset. */
export const SMS_SEGMENT_LENGTH = 153;

/**
 * The bot's outgoing activities as SMS text: choices become numbered lines with "Reply 1, 2 or 3",
 * markdown emphasis goes, and the text is brought into the GSM-7 alphabet (no UCS-2 in our own words).
 * Order is kept, so the emergency instruction (sent first by the inbound middleware) stays first.
 */
export function smsTextOf(activity: Partial<Activity>): string {
  let text = activity.text ?? '';
  const listed = numberedChoices(text);
  let choices = listed?.choices;
  if (listed) text = listed.prompt;
  const actions = activity.suggestedActions?.actions ?? [];
  if (!choices && actions.length > 0) {
    choices = actions.map((a) => String(a.title ?? a.value ?? '')).filter((t) => t !== '');
  }
  if (choices && choices.length > 0) text = withNumberedChoices(text, choices);
  // A line written in the person's own language and script goes as written (UCS-2): in GSM-7 it would be lost.
  const ownScript = (activity.channelData as { carepoint?: { ownScript?: boolean } } | undefined)?.carepoint?.ownScript === true;
  const plain = stripMarkdown(text);
  return (ownScript ? plain : toGsm7(plain)).replace(/[ ]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

/**
 * Joins one turn's replies into as few messages as possible, each at most SMS_MAX_LENGTH septets.
 * A single reply longer than that is cut at line or sentence boundaries into several messages, so
 * nothing is lost (knowledge answers arrive already short, with "Reply MORE for the rest").
 */
export function joinForSms(texts: string[], max = SMS_MAX_LENGTH): string[] {
  const pieces = texts.filter((t) => t.trim() !== '').flatMap((t) => splitLong(t, max));
  const messages: string[] = [];
  let current = '';
  for (const piece of pieces) {
    const joined = current === '' ? piece : `${current}\n\n${piece}`;
    if (gsm7Length(joined) <= max) current = joined;
    else {
      messages.push(current);
      current = piece;
    }
  }
  if (current !== '') messages.push(current);
  return messages;
}

/** Recognises the inline "(1) A, (2) B or (3) C" and list "\n\n   1. A\n   2. B" renderings of botbuilder-dialogs. */
function numberedChoices(text: string): { prompt: string; choices: string[] } | undefined {
  const list = /\n\n {3}1\. [^\n]*(?:\n {3}\d+\. [^\n]*)*$/.exec(text);
  if (list) {
    const choices = list[0].trim().split('\n').map((line) => line.trim().replace(/^\d+\. /, ''));
    return { prompt: text.slice(0, list.index), choices };
  }
  const start = text.lastIndexOf(' (1) ');
  if (start < 0) return undefined;
  const parts = text.slice(start + 1).split(/(?:, or |, | or )(?=\(\d+\) )/);
  const choices: string[] = [];
  for (const [i, part] of parts.entries()) {
    const match = /^\((\d+)\) (.+)$/s.exec(part);
    if (!match || Number(match[1]) !== i + 1) return undefined;
    choices.push(match[2]!.trim());
  }
  return choices.length >= 2 ? { prompt: text.slice(0, start), choices } : undefined;
}

function withNumberedChoices(prompt: string, choices: string[]): string {
  const numbers = choices.map((_, i) => String(i + 1));
  const reply = numbers.length <= 4
    ? `Reply ${numbers.slice(0, -1).join(', ')} or ${numbers.at(-1)}`
    : `Reply a number from 1 to ${numbers.length}`;
  return [prompt.trimEnd(), ...choices.map((c, i) => `${i + 1}. ${c}`), reply].join('\n');
}

/** Plain text: markdown bold/italic markers, headings and link syntax go; the words stay. */
export function stripMarkdown(text: string): string {
  return text
    .replace(/\[([^\]\n]+)\]\((https?:[^)\s]+)\)/g, '$1 ($2)')
    .replace(/^#{1,6} +/gm, '')
    .replace(/\*\*([^*\n]+)\*\*/g, '$1')
    .replace(/__([^_\n]+)__/g, '$1')
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,;:!?])/gm, '$1$2')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,;:!?])/gm, '$1$2')
    .replace(/\*\*/g, '');
}

/** Cuts an over-long text at paragraph, line, sentence or word boundaries (in that preference). */
function splitLong(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (gsm7Length(rest) > max) {
    let fit = '';
    let n = 0;
    for (const ch of rest) {
      const cost = gsm7Length(ch);
      if (n + cost > max) break;
      fit += ch;
      n += cost;
    }
    const at = [fit.lastIndexOf('\n\n'), fit.lastIndexOf('\n'), fit.lastIndexOf('. ') + 1, fit.lastIndexOf(' ')]
      .find((i) => i > fit.length * 0.5) ?? fit.length;
    parts.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  if (rest !== '') parts.push(rest);
  return parts;
}
