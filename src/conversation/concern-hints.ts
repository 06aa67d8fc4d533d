import { CONCERN_KINDS, PATHWAYS, labelOf, synonymsOf, type ConcernDetails } from '../concerns/model.js';

/** What the person has already said about their concern; the dialog does not ask it again. */
export type ConcernHints = Pick<Partial<ConcernDetails>, 'subject' | 'relationship' | 'pathway' | 'kind'>;

const RELATIONSHIP = /\bmy (mum|mother|mom|mam|dad|father|husband|wife|partner|son|daughter|gran|granny|grandma|grandmother|nan|nana|grandad|grandpa|grandfather|brother|sister|aunt|auntie|uncle|friend|neighbour|neighbor)(?:'?s)?\b/;

const clean = (text: string) => ` ${text.toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/[^a-z0-9' ]+/g, ' ').replace(/\s+/g, ' ').trim()} `;

/** The one value whose words appear in the text; none when no value's do, or more than one's do. */
function onlyMentioned<T extends string>(text: string, values: readonly T[]): T | undefined {
  const mentioned = values.filter((value) =>
    value !== 'other' &&
    [labelOf(value), ...synonymsOf(value)]
      .map((w) => w.toLowerCase().replace(/-/g, ' '))
      .filter((w) => w.length >= 3)
      .some((w) => text.includes(` ${w} `) || text.includes(` ${w}'s `)),
  );
  return mentioned.length === 1 ? mentioned[0] : undefined;
}

/** "I'm worried about my mum's medication": someone I care for (my mum), medicines. */
export function concernHintsOf(text: string): ConcernHints {
  const t = clean(text);
  const hints: ConcernHints = {};
  const relation = t.match(RELATIONSHIP);
  if (relation) {
    hints.subject = 'someone-else';
    hints.relationship = `my ${relation[1]}`;
  }
  const kind = onlyMentioned(t, CONCERN_KINDS);
  if (kind) hints.kind = kind;
  const pathway = onlyMentioned(t, PATHWAYS);
  if (pathway) hints.pathway = pathway;
  return hints;
}
