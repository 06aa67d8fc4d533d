import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Test content, written per test into its own folder, so tests never depend on the writers' articles. */
export interface ArticleSpec {
  id: string;
  pathway?: string;
  title: string;
  summary: string;
  questions: string[];
  body: string;
  tags?: string[];
  lastReviewed?: string;
  reviewDue?: string;
  related?: string[];
  redFlags?: string[];
}

export function articleMarkdown(a: ArticleSpec): string {
  const list = (xs: string[]) => `[${xs.join(', ')}]`;
  return [
    '---',
    `id: ${a.id}`,
    `title: ${a.title}`,
    `pathways: [${a.pathway ?? 'general'}]`,
    'audience: both',
    `summary: >-\n  ${a.summary}`,
    'questions:',
    ...a.questions.map((q) => `  - ${q}`),
    `tags: ${list(a.tags ?? [])}`,
    'owner: Carepoint content team, tests',
    'clinicalReviewer: Test reviewer (to be named)',
    'clinicalSignOff: pending',
    `lastReviewed: ${a.lastReviewed ?? '2026-11-20'}`,
    `reviewDue: ${a.reviewDue ?? '2027-05-20'}`,
    'sources:',
    '  - https://www.nhs.uk/',
    ...(a.related ? [`related: ${list(a.related)}`] : []),
    ...(a.redFlags ? [`redFlags: ${list(a.redFlags)}`] : []),
    '---',
    a.body,
    '',
  ].join('\n');
}

export const RED_FLAGS_YAML = `flags:
  - id: chest-pain
    pathways: [general]
    advice: '999'
    meanwhile: Sit down and rest while you wait.
    phrases: [chest pain, crushing pain in chest]
    owner: Carepoint clinical safety lead
    clinicalReviewer: Urgent care clinician
    clinicalSignOff: pending
    lastReviewed: 2026-11-20
    reviewDue: 2027-05-20
`;

export const ARTICLES: ArticleSpec[] = [
  {
    id: 'general-repeat-prescriptions',
    title: 'Ordering your repeat prescriptions',
    summary: 'You can order repeat prescriptions through the NHS App, your GP surgery website or your pharmacy. Order a week before you run out.',
    questions: ['how do i order my repeat prescription', 'how do i get more of my medicines', 'can the pharmacy order my tablets for me', 'how long does a repeat prescription take'],
    tags: ['prescriptions', 'medicines', 'pharmacy'],
    body: '## Ways to order\n\nUse the NHS App or your surgery website. Some pharmacies order for you.\n\n## How long it takes\n\nAllow 2 to 3 working days for the surgery and 2 more for the pharmacy.\n\n## When to get help\n\nIf you have run out of an important medicine, ask a pharmacist today.',
    related: ['general-appointments'],
  },
  {
    id: 'general-appointments',
    title: 'Changing or cancelling a hospital appointment',
    summary: 'Use the phone number or link on your appointment letter to change or cancel a hospital appointment. Tell them as early as you can.',
    questions: ['how do i change my hospital appointment', 'i cannot make my appointment', 'how do i cancel an appointment', 'who do i call about my appointment letter'],
    tags: ['appointments', 'hospital'],
    body: '## Changing an appointment\n\nRing the number on your letter. You can often change it online too.\n\n## If you miss one\n\nCall the clinic to book again.',
  },
  {
    id: 'asthma-inhalers',
    pathway: 'asthma',
    title: 'Using your asthma inhaler and spacer',
    summary: 'Good inhaler technique gets the medicine into your lungs. A spacer makes a puffer easier to use. Ask your nurse to check how you use it.',
    questions: ['how do i use my inhaler', 'do i need a spacer', 'am i using my puffer right', 'how often should i clean my spacer'],
    tags: ['inhalers', 'spacer', 'asthma'],
    body: '## Using a spacer\n\nPut one puff into the spacer and breathe in slowly.\n\n## Cleaning your spacer\n\nWash it in warm soapy water once a month and let it dry in the air.',
    redFlags: ['chest-pain'],
  },
  {
    id: 'kidney-blood-pressure',
    pathway: 'kidney',
    title: 'Blood pressure and your kidneys',
    summary: 'High blood pressure can damage your kidneys over time. Keeping it in your target range protects them.',
    questions: ['why does my blood pressure matter for my kidneys', 'what should my blood pressure be with kidney disease', 'how do i check my blood pressure at home', 'does high blood pressure hurt kidneys'],
    tags: ['blood pressure', 'kidney'],
    body: '## Your target\n\nYour kidney team will tell you your target. Many people aim for below 140/90.\n\n## Checking at home\n\nSit quietly for 5 minutes before you measure.',
  },
];

/** Questions the fixture articles answer, as patients type them (SMS spelling, typos), with the article. */
export const ANSWERABLE: [question: string, articleId: string][] = [
  ['how do i order a repeat prescription', 'general-repeat-prescriptions'],
  ['need more meds', 'general-repeat-prescriptions'],
  ['need to change my appt', 'general-appointments'],
  ['cleaning a spacer', 'asthma-inhalers'],
  ['what shd my bp be with kidney disease', 'kidney-blood-pressure'],
];

/**
 * A typo that spelling correction mends: found first, but a corrected word is weaker evidence, so it may be
 * offered among choices rather than answered outright.
 */
export const TYPO_QUESTION: [question: string, articleId: string] = ['how do i use my inhlaer', 'asthma-inhalers'];

/** A fresh knowledge folder with the given articles and a valid red flags file. */
export async function makeKnowledgeDir(articles: ArticleSpec[] = ARTICLES, redFlags = RED_FLAGS_YAML): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'carepoint-kb-'));
  await writeFile(join(dir, 'red-flags.yaml'), redFlags);
  for (const a of articles) await writeArticle(dir, a);
  return dir;
}

export async function writeArticle(dir: string, a: ArticleSpec, text = articleMarkdown(a)): Promise<string> {
  const folder = join(dir, 'articles', a.pathway ?? 'general');
  await mkdir(folder, { recursive: true });
  const path = join(folder, `${a.id}.md`);
  await writeFile(path, text);
  return path;
}
