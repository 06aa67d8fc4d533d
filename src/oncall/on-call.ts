import { coverAt, nextCoverChange } from './cover-timeline.js';
import type { Person, Rota } from './rota.js';

/**
 * Who is on call at an instant. `until` is when different people are on call (or no one is, or someone is
 * again): the same as `nextChange`; undefined when that never happens. In a gap no one is on call, and only
 * the final contact can be called.
 */
export type OnCall =
  | { source: 'shift' | 'override'; primary: Person; backup: Person | undefined; final: Person; until: Date | undefined }
  | { source: 'gap'; final: Person; until: Date | undefined };

/** Who is on call at `instant`: an override wins over the shifts. Pure: the rota and the instant decide. */
export function onCallAt(rota: Rota, instant: Date): OnCall {
  const cover = coverAt(rota, instant.getTime());
  const until = nextChange(rota, instant);
  if (cover.source === 'gap') return { source: 'gap', final: rota.final, until };
  return {
    source: cover.source,
    primary: personOf(rota, cover.primary),
    backup: cover.backup === undefined ? undefined : personOf(rota, cover.backup),
    final: rota.final,
    until,
  };
}

/** When cover next changes after `instant` (different people, or a gap starting or ending); undefined if never. */
export function nextChange(rota: Rota, instant: Date): Date | undefined {
  const at = nextCoverChange(rota, instant.getTime());
  return at === undefined ? undefined : new Date(at);
}

function personOf(rota: Rota, id: string): Person {
  const person = rota.people.get(id);
  // parse-rota.ts refuses a rota naming anyone not listed.
  if (!person) throw new Error(`the rota names "${id}", who is not listed under people`);
  return person;
}
