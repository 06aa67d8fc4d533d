import { z } from 'zod';

/** Pathway ids from knowledge/README.md; an unknown pathway is almost always a typo. */
export const PATHWAYS = [
  'kidney', 'epilepsy', 'stroke', 'dementia', 'diabetes-type-1', 'diabetes-type-2', 'copd', 'heart-failure',
  'multiple-sclerosis', 'parkinsons', 'asthma', 'general',
] as const;

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens');

// yaml's core schema leaves dates as strings, but a writer's tool may emit a YAML timestamp: accept both.
const isoDate = z.preprocess(
  (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
    .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a real date'),
);

export const frontMatterSchema = z
  .strictObject({
    id: slug,
    title: z.string().trim().min(3).max(120),
    pathways: z.array(z.enum(PATHWAYS)).min(1),
    audience: z.enum(['patient', 'carer', 'both']),
    summary: z.string().trim().min(20).max(299, 'must be under 300 characters so that it fits in one SMS'),
    questions: z.array(z.string().trim().min(3)).min(4, 'needs at least 4 example questions'),
    // A tag like 111 or 999 reads as a number in YAML; it is meant as text.
    tags: z.array(z.union([z.string().trim().min(1), z.number().transform(String)])).default([]),
    owner: z.string().trim().min(3),
    clinicalReviewer: z.string().trim().min(3),
    clinicalSignOff: z.string().trim().min(3),
    lastReviewed: isoDate,
    reviewDue: isoDate,
    sources: z.array(z.url()).min(1),
    redFlags: z.array(slug).default([]),
    related: z.array(slug).default([]),
  })
  .refine((fm) => fm.reviewDue > fm.lastReviewed, { message: 'must be after lastReviewed', path: ['reviewDue'] });

export type FrontMatter = z.infer<typeof frontMatterSchema>;

export interface Section {
  /** Empty for the text before the first heading. */
  heading: string;
  text: string;
}

export interface Article extends FrontMatter {
  /** Markdown body after the front matter. */
  body: string;
  sections: Section[];
  /** Path relative to the knowledge root (for messages), and line numbers of fields (for check messages). */
  file: string;
  lines: { id: number; related: number; redFlags: number; reviewDue: number; questions: number[] };
}

/** Splits the body at level-2+ headings; the passage shown in an answer is one of these. */
export function splitSections(body: string): Section[] {
  const sections: Section[] = [];
  let current: Section = { heading: '', text: '' };
  for (const line of body.split('\n')) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      if (current.text.trim() || current.heading) sections.push({ ...current, text: current.text.trim() });
      current = { heading: heading[1]!.trim(), text: '' };
    } else {
      current.text += `${line}\n`;
    }
  }
  if (current.text.trim() || current.heading) sections.push({ ...current, text: current.text.trim() });
  return sections.filter((s) => s.text.length > 0);
}
