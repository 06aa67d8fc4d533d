import type { Channel } from '../concerns/concern-queue.js';
import { isWorkingTime, type WorkingHours } from '../concerns/working-hours.js';
import { alertedNote } from '../safety/emergency-reply.js';
import { firstGapBefore, nextHelp, whenSaid } from './contact-promise.js';
import { onCallAt } from './on-call.js';
import type { Rota } from './rota.js';

export interface AlertedNoteInput {
  reference: string;
  channel: Channel;
  now: Date;
  hours: WorkingHours;
  /** The rota in force; undefined: no on-call cover, and the team's working hours alone decide (emergency-reply.ts). */
  rota: Rota | undefined;
  /** How soon an emergency is to be claimed (PAGE_ACK_EMERGENCY_MINUTES): cover ending sooner is said. */
  ackMinutes: number;
  /** Whether pages can be sent at all (Twilio configured): without, nobody on call hears of it, and the note says only what the working hours make true. */
  canPage: boolean;
}

/**
 * The note after the 999 instruction, once the emergency is in the queue: who will follow it up and until when,
 * from the rota. With someone on call, the person on call (paged at once) and how long their cover lasts; when
 * cover ends before they are due to have claimed it, that too. In a gap out of working hours, that no one is on
 * call and when someone next is (the same "next help" as contactPromise). Never that anyone will ring back soon
 * when no one can.
 */
export function alertedNoteFromRota(input: AlertedNoteInput): string {
  const { reference, channel, now, hours, rota } = input;
  if (!rota || !input.canPage) return alertedNote(reference, channel, now, hours);
  const cover = onCallAt(rota, now);
  let note: string;
  if (cover.source === 'gap') {
    // The team is at work: they see the queue (and the final contact is paged as well).
    if (isWorkingTime(hours, now)) return alertedNote(reference, channel, now, hours);
    const back = nextHelp({ rota, now, hours });
    note = `No one is on call right now, so I have passed this to the care co-ordination team's list (ref ${reference}). ` +
      `${back.who} ${back.when}. Do not wait for us.`;
  } else {
    const gapAt = firstGapBefore(rota, now, new Date(now.getTime() + input.ackMinutes * 60_000));
    if (gapAt) {
      note = `I have also alerted the person on call (ref ${reference}), but on-call cover ends ${whenSaid(gapAt, now, rota.timeZone)}, ` +
        'so they may not be able to follow it up. Do not wait for us.';
    } else {
      const until = cover.until ? ` until ${whenSaid(cover.until, now, rota.timeZone).replace(/^at /, '')}` : '';
      note = `I have also alerted the person on call${until} (ref ${reference}): they will follow this up as soon as they can, but do not wait for us.`;
    }
  }
  return channel === 'chat' ? `${note} I am still here if you need me.` : note;
}
