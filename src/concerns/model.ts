import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { URGENCIES } from './priority.js';

export const SUBJECTS = ['self', 'someone-else'] as const;
export const PATHWAYS = [
  'kidney', 'epilepsy', 'stroke', 'dementia', 'diabetes', 'copd', 'heart-failure', 'multiple-sclerosis',
  'parkinsons', 'asthma', 'other',
] as const;
export type Pathway = (typeof PATHWAYS)[number];
export const CONCERN_KINDS = [
  'medication', 'appointment-or-referral', 'symptoms', 'test-results', 'equipment-or-supplies', 'care-at-home',
  'moving-between-services', 'other',
] as const;
export const CONTACT_METHODS = ['this-conversation', 'text-message', 'phone-call'] as const;
export const CONTACT_TIMES = ['morning', 'afternoon', 'evening', 'any-time'] as const;

/**
 * A phone number as Carepoint stores it: E.164, 7 to 15 digits. The one pattern for numbers: toE164 gives
 * nothing else, the concern schema accepts exactly this, and patient_contacts (002_sms.sql) checks the same.
 */
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

/** One schema per field, so a dialog can check each answer as it is given. */
export const concernFields = {
  subject: z.enum(SUBJECTS),
  relationship: z
    .string()
    .trim()
    .min(2, 'Please tell me in a word or two, for example "my mum" or "my husband".')
    .max(60, 'Please keep it short, for example "my mum" or "my husband".'),
  name: z
    .string()
    .trim()
    .min(2, 'Please give the full name, as your GP has it.')
    .max(100, 'That name is longer than I can take. Please give first name and surname.')
    .regex(/^[\p{L}][\p{L}' .-]*$/u, 'Please use letters only, as your GP has it.'),
  dateOfBirth: z.iso.date('Please give the date of birth like 31/01/1950.'),
  pathway: z.enum(PATHWAYS),
  kind: z.enum(CONCERN_KINDS),
  description: z
    .string()
    .trim()
    .min(10, 'Please tell me a little more, in your own words (a sentence or two).')
    .max(1500, 'That is longer than I can pass on in one go. Please shorten it to the main points.'),
  urgency: z.enum(URGENCIES),
  contactMethod: z.enum(CONTACT_METHODS),
  phone: z.string().regex(E164_PATTERN, 'Please give a UK phone number, like 07700 900123.'),
  contactTime: z.enum(CONTACT_TIMES),
  consentToShare: z.boolean(),
};

export const concernDetailsSchema = z.object({
  subject: concernFields.subject,
  relationship: concernFields.relationship.optional(),
  name: concernFields.name.optional(),
  /** The carer's own name, when the concern is about someone they care for. */
  carerName: concernFields.name.optional(),
  dateOfBirth: concernFields.dateOfBirth.optional(),
  pathway: concernFields.pathway,
  kind: concernFields.kind,
  description: concernFields.description,
  urgency: concernFields.urgency,
  contactMethod: concernFields.contactMethod,
  phone: concernFields.phone.optional(),
  contactTime: concernFields.contactTime,
  consentToShare: concernFields.consentToShare,
});

export type ConcernDetails = z.infer<typeof concernDetailsSchema>;

/**
 * UK-first phone parsing to E.164 (numbers people type, and SMS senders, which Twilio sends in E.164);
 * undefined when it is not a plausible number. The one place a phone number is normalised.
 */
export function toE164(input: string): string | undefined {
  const parsed = parsePhoneNumberFromString(input.trim(), 'GB');
  // "Possible" (right length for the country), not "valid": Ofcom's drama ranges and newly allocated ranges
  // must pass. libphonenumber's possible lengths run from 6 to 19 digits; E164_PATTERN keeps to what is stored.
  const number = parsed?.isPossible() ? parsed.number : undefined;
  return number !== undefined && E164_PATTERN.test(number) ? number : undefined;
}

/** Reads "31/01/1950", "31-1-1950", "1950-01-31" or "31 Jan 1950" as an ISO date; undefined otherwise. */
export function parseDateOfBirth(input: string, today: Date): string | undefined {
  const text = input.trim().toLowerCase();
  const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  let day: number, month: number, year: number;
  let m = text.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/);
  if (m) [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = text.match(/^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$/))) [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = text.match(/^(\d{1,2})(?:st|nd|rd|th)? ([a-z]{3})[a-z]* (\d{4})$/)) && months.includes(m[2]!)) {
    [day, month, year] = [Number(m[1]), months.indexOf(m[2]!) + 1, Number(m[3])];
  } else return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  if (date > today || year < today.getUTCFullYear() - 120) return undefined;
  return date.toISOString().slice(0, 10);
}

/** What a choice is called (20 characters at most, so chat channels can show it as a button). */
const LABELS: Record<string, string> = {
  self: 'Me', 'someone-else': 'Someone I care for',
  kidney: 'Kidney disease', epilepsy: 'Epilepsy', stroke: 'Stroke', dementia: 'Dementia',
  diabetes: 'Diabetes', copd: 'COPD', 'heart-failure': 'Heart failure', 'multiple-sclerosis': 'Multiple sclerosis',
  parkinsons: "Parkinson's", asthma: 'Asthma', other: 'Other or not sure',
  medication: 'Medicines', 'appointment-or-referral': 'Appointments', symptoms: 'Symptoms',
  'test-results': 'Test results', 'equipment-or-supplies': 'Equipment', 'care-at-home': 'Care at home',
  'moving-between-services': 'Changing services',
  today: 'Today', 'next-few-days': 'In the next few days', 'not-urgent': 'Not urgent',
  'this-conversation': 'Reply here', 'text-message': 'Text message', 'phone-call': 'Phone call',
  morning: 'Morning', afternoon: 'Afternoon', evening: 'Evening', 'any-time': 'Any time',
};

/** Other words people use for a choice; the prompt recognises these too. */
const SYNONYMS: Record<string, string[]> = {
  kidney: ['kidneys', 'dialysis', 'transplant', 'ckd', 'renal'],
  diabetes: ['diabetic', 'type 1', 'type 2', 'sugar'],
  'heart-failure': ['heart'], 'multiple-sclerosis': ['ms'], parkinsons: ['parkinsons', 'parkinson'],
  copd: ['lungs', 'emphysema'], other: ['not sure', "don't know", 'something else'],
  medication: ['medication', 'medicine', 'meds', 'tablets', 'prescription'],
  'appointment-or-referral': ['appointment', 'referral', 'appointment or referral', 'waiting list'],
  'equipment-or-supplies': ['supplies', 'equipment or supplies', 'wheelchair'],
  'moving-between-services': ['moving between services', 'transition', 'leaving hospital', 'discharge'],
  'test-results': ['results', 'test', 'blood test'], 'care-at-home': ['carers', 'home care', 'social care'],
  'someone-else': ['someone else', 'my mum', 'my dad', 'carer'], self: ['myself', 'me myself', 'i am'],
  'this-conversation': ['here', 'chat', 'this chat'], 'text-message': ['text', 'sms'], 'phone-call': ['phone', 'call', 'ring me'],
  'next-few-days': ['few days', 'this week', 'soon'], 'not-urgent': ['whenever', 'no rush'],
};

export function labelOf(value: string): string {
  return LABELS[value] ?? value;
}

export function synonymsOf(value: string): string[] {
  return [value, ...(SYNONYMS[value] ?? [])];
}

/** "1941-03-03" as people in the UK write it: "3 March 1941". */
export function ukDate(iso: string): string {
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** The read-back the patient confirms, and the one-line summary co-ordinators scan in the queue. */
export function describeConcern(d: ConcernDetails): string[] {
  const who = d.subject === 'self' ? 'You' : `Someone you care for (${d.relationship ?? 'relationship not given'})`;
  const lines = [
    `About: ${who}${d.name ? `, ${d.name}` : ''}${d.dateOfBirth ? `, born ${ukDate(d.dateOfBirth)}` : ''}`,
    ...(d.carerName ? [`Your name: ${d.carerName}`] : []),
    `Condition: ${labelOf(d.pathway)}`,
    `Concern: ${labelOf(d.kind)}`,
    `What is happening: ${d.description}`,
    `How soon: ${labelOf(d.urgency)}`,
    `Contact: ${labelOf(d.contactMethod)}${d.phone ? ` on ${d.phone}` : ''}, ${labelOf(d.contactTime).toLowerCase()}`,
    `Share with your care team: ${d.consentToShare ? 'Yes' : 'No'}`,
  ];
  return lines;
}

export function queueSummary(d: ConcernDetails): string {
  const who = d.subject === 'self' ? 'Patient' : `Carer${d.carerName ? ` ${d.carerName}` : ''} (${d.relationship ?? 'relationship not given'})`;
  const text = d.description.length > 140 ? `${d.description.slice(0, 137)}...` : d.description;
  return `${labelOf(d.kind)} - ${labelOf(d.pathway)} - ${who}: ${text}`;
}
