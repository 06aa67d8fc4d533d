import type { OnCall } from '../on-call.js';
import type { Person } from '../rota.js';

export type PageRole = 'primary' | 'backup' | 'final';

/**
 * Who is paged, in order, with cover as it is: primary, backup (when the shift has one), the final contact.
 * In a gap only the final contact can be called. Pure, so the order is the rota's at the moment of each step.
 */
export function pagingChain(onCall: OnCall): { role: PageRole; person: Person }[] {
  if (onCall.source === 'gap') return [{ role: 'final', person: onCall.final }];
  return [
    { role: 'primary' as const, person: onCall.primary },
    ...(onCall.backup ? [{ role: 'backup' as const, person: onCall.backup }] : []),
    { role: 'final' as const, person: onCall.final },
  ];
}
