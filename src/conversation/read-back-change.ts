import type { ConcernDetails } from '../concerns/model.js';

export type ChangeableField = Exclude<keyof ConcernDetails, 'subject'>;

export type ReadBackAnswer = { kind: 'yes' } | { kind: 'no' } | { kind: 'change'; field: ChangeableField };

const clean = (text: string) => text.toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/[^a-z0-9' ]+/g, ' ').replace(/\s+/g, ' ').trim();

/** Which field a few words name, in the order that settles overlaps ("contact time" before "contact"). */
const FIELD_WORDS: [RegExp, ChangeableField | 'own-name'][] = [
  [/\b(phone|number|mobile|landline)\b/, 'phone'],
  [/\b(date of birth|dob|birthday|birth date|born)\b/, 'dateOfBirth'],
  [/^(own )?name$/, 'own-name'],
  [/\b(your name|carer'?s name)\b/, 'carerName'],
  [/\bname\b/, 'name'],
  [/\b(who they are|relationship|who it is)\b/, 'relationship'],
  [/\b(condition|illness|care it is about)\b/, 'pathway'],
  [/\b(what is happening|what's happening|description|details|story|what i said|what i wrote)\b/, 'description'],
  [/\b(kind|type)( of concern)?\b|^concern$/, 'kind'],
  [/\b(how soon|urgency|how urgent)\b/, 'urgency'],
  [/\b(time|when to (call|contact|reach)|when is best)\b/, 'contactTime'],
  [/\b(contact|how to contact|how you contact|how to reach)\b/, 'contactMethod'],
  [/\b(shar(e|ing)|consent)\b/, 'consentToShare'],
];

/** The answer to "Is that right?": yes, no (start again), or one field to change ("change the phone number"). */
export function readBackAnswerOf(text: string, subject: ConcernDetails['subject'] | undefined): ReadBackAnswer | undefined {
  const t = clean(text);
  if (/^(y|yes|yes please|yeah|yep|correct|that's right|that is right|right|send it|yes send it|1)$/.test(t)) return { kind: 'yes' };
  if (/^(n|no|nope|no start again|start again|wrong|2)$/.test(t)) return { kind: 'no' };
  const named =
    t.match(/^(?:no |yes but |but )?(?:please )?(?:change|edit|correct|fix|update|amend)(?: the| my| their| her| his)? (.+?)(?: please)?$/)?.[1] ??
    t.match(/^(?:no )?(?:the |my |their |her |his )?(.+?) is (?:wrong|not right|incorrect)$/)?.[1];
  if (!named) return undefined;
  const mine = /^(?:no |yes but |but )?(?:please )?(?:(?:change|edit|correct|fix|update|amend) )?my /.test(t);
  for (const [pattern, field] of FIELD_WORDS) {
    if (field === 'own-name') {
      // "change my name": the carer's own name when the concern is about someone else.
      if (mine && /^(own )?name$/.test(named)) return { kind: 'change', field: subject === 'someone-else' ? 'carerName' : 'name' };
      continue;
    }
    if (pattern.test(named)) return { kind: 'change', field };
  }
  return undefined;
}
