import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import type { Problem } from './article-file.js';
import { buildKnowledgeBase, isExpired, ukDate } from './knowledge-base.js';
import { readKnowledgeFiles, RED_FLAGS_FILE } from './load-knowledge.js';

export interface CheckResult {
  articles: number;
  redFlags: number;
  /** One line a red flag for the content team: what it is for and how it is recognised. */
  flagExplanations: string[];
  /** The second detector: how many labelled messages it was trained on, or 0 without a corpus. */
  classifierExamples: number;
  version: string;
  /** Errors first, then warnings; each in file and line order. */
  problems: Problem[];
}

/** Warn this long before content expires, so that a review can be booked before it stops being served. */
export const REVIEW_WARNING_DAYS = 42;

/**
 * Everything `kb check` reports: file errors, broken links, review dates, and example questions that
 * Carepoint would answer from another article (or not at all).
 */
export async function checkKnowledge(dir: string, clock: Clock, warnDays = REVIEW_WARNING_DAYS): Promise<CheckResult> {
  const files = await readKnowledgeFiles(dir);
  const problems = [...files.problems];
  const today = ukDate(clock.now());
  const soon = ukDate(new Date(clock.now().getTime() + warnDays * 86_400_000));

  for (const a of files.articles) {
    const due = reviewProblem(a.reviewDue, today, soon);
    if (due) problems.push({ file: a.file, line: a.lines.reviewDue, message: due, severity: 'warning' });
  }
  if (files.redFlags) {
    const text = await readFile(join(dir, RED_FLAGS_FILE), 'utf8');
    const lines = text.split('\n');
    for (const flag of files.redFlags.flags) {
      const due = reviewProblem(flag.reviewDue, today, soon);
      const line = lines.findIndex((l) => new RegExp(`^\\s*-?\\s*id:\\s*['"]?${flag.id}['"]?\\s*$`).test(l)) + 1;
      if (due) problems.push({ file: RED_FLAGS_FILE, line: Math.max(1, line), message: `red flag "${flag.id}": ${due}`, severity: 'warning' });
    }
  }

  // Judge the example questions as if every article were in date: expiry is reported above.
  const kb = await buildKnowledgeBase(files.articles, { clock: { now: () => new Date(0) } });
  for (const a of files.articles) {
    for (const [i, question] of a.questions.entries()) {
      const answer = await kb.answer(question);
      const top = answer.articles[0];
      const line = a.lines.questions[i] ?? 1;
      if (top && top.id !== a.id) {
        problems.push({ file: a.file, line, message: `question "${question}" retrieves ${top.id} first, not this article`, severity: 'warning' });
      } else if (answer.outcome === 'declined') {
        problems.push({ file: a.file, line, message: `question "${question}" is declined (${answer.declined === 'personal-decision' ? 'it asks for a decision about the person\'s own treatment' : `scope score ${answer.scope ?? 0} below the choice threshold`})`, severity: 'warning' });
      }
    }
  }

  problems.sort((x, y) => (x.severity === y.severity ? 0 : x.severity === 'error' ? -1 : 1) || x.file.localeCompare(y.file) || x.line - y.line);
  const flagExplanations = (files.redFlags?.flags ?? []).map((f) => {
    const ways = [`${f.phrases.length} phrasings`, `${f.together.length} concept rules`, `${f.readings.length} readings`, `${f.mentions.length} condition names`];
    const over = f.wellIsNotOver ? '; seeming well afterwards does not end it' : '';
    return `${f.id} (call ${f.advice}${f.kinds.length ? `; kinds ${f.kinds.join(', ')}` : ''}${over}): ${f.explain ?? '(no explanation: add `explain:`)'} [${ways.join(', ')}]`;
  });
  return {
    articles: files.articles.length, redFlags: files.redFlags?.flags.length ?? 0, flagExplanations,
    classifierExamples: files.redFlags?.classifier?.examples ?? 0, version: files.version, problems,
  };
}

function reviewProblem(reviewDue: string, today: string, soon: string): string | undefined {
  if (isExpired({ reviewDue }, today)) return `review was due ${reviewDue}: not served until reviewed and the date moved on`;
  if (reviewDue <= soon) return `review due ${reviewDue} (within ${REVIEW_WARNING_DAYS / 7} weeks)`;
  return undefined;
}

