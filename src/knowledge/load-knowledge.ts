import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { KnowledgeFileError, parseRedFlags, type RedFlagSet } from '../safety/red-flags.js';
import { readScreeningFiles } from '../safety/screening-files.js';
import type { Article } from './article.js';
import { parseArticle, type Problem } from './article-file.js';

export interface KnowledgeFiles {
  /** The valid articles, one per id (the first, in path order, when an id is duplicated). */
  articles: Article[];
  /** Undefined when red-flags.yaml could not be loaded (the problem is in `problems`). */
  redFlags: RedFlagSet | undefined;
  /** Errors and warnings found in the files and in the links between them. */
  problems: Problem[];
  /** Hash of every file read: changes whenever content changes. */
  version: string;
}

export const RED_FLAGS_FILE = 'red-flags.yaml';

/** Reads articles/**.md and red-flags.yaml under `dir`, reporting every problem rather than stopping at the first. */
export async function readKnowledgeFiles(dir: string): Promise<KnowledgeFiles> {
  const hash = createHash('sha256');
  const problems: Problem[] = [];
  const articles: Article[] = [];
  const files = (await listMarkdown(join(dir, 'articles'))).sort();
  for (const path of files) {
    const text = await readFile(path, 'utf8');
    const file = relative(dir, path).split(sep).join('/');
    hash.update(file).update('\0').update(text).update('\0');
    const parsed = parseArticle(text, file);
    if (parsed.ok) articles.push(parsed.article);
    else problems.push(...parsed.problems);
  }

  let redFlags: RedFlagSet | undefined;
  const redFlagsPath = join(dir, RED_FLAGS_FILE);
  try {
    const text = await readFile(redFlagsPath, 'utf8');
    hash.update(RED_FLAGS_FILE).update('\0').update(text);
    redFlags = parseRedFlags(text, RED_FLAGS_FILE);
  } catch (err) {
    if (err instanceof KnowledgeFileError) problems.push({ file: err.file, line: err.line, message: err.problem, severity: 'error' });
    else problems.push({ file: RED_FLAGS_FILE, line: 1, message: `cannot be read (${(err as Error).message})`, severity: 'error' });
  }

  // The second detector: a classifier trained from the labelled corpus beside the red flags.
  const screening = await readScreeningFiles(dir);
  for (const { file, text } of screening.read) hash.update(file).update('\0').update(text).update('\0');
  problems.push(...screening.problems);
  if (redFlags && screening.classifier) redFlags = { ...redFlags, classifier: screening.classifier };

  problems.push(...checkLinks(articles, redFlags));
  // A second article with the same id is an error already reported; leave it out so the rest can be indexed.
  const seen = new Set<string>();
  const unique = articles.filter((a) => !seen.has(a.id) && Boolean(seen.add(a.id)));
  return { articles: unique, redFlags, problems, version: hash.digest('hex').slice(0, 16) };
}

/** Duplicate ids and links to articles or red flags that do not exist are errors; naming slips are warnings. */
export function checkLinks(articles: Article[], redFlags: RedFlagSet | undefined): Problem[] {
  const problems: Problem[] = [];
  const byId = new Map<string, Article>();
  for (const article of articles) {
    const first = byId.get(article.id);
    if (first) {
      problems.push({ file: article.file, line: article.lines.id, message: `duplicate id "${article.id}" (also in ${first.file}:${first.lines.id})`, severity: 'error' });
    } else {
      byId.set(article.id, article);
    }
    const expectedName = `${article.id}.md`;
    if (!article.file.endsWith(`/${expectedName}`)) {
      problems.push({ file: article.file, line: article.lines.id, message: `file name should be ${expectedName}`, severity: 'warning' });
    }
    const folder = article.file.split('/').at(-2) ?? '';
    if (!(article.pathways as string[]).includes(folder)) {
      problems.push({ file: article.file, line: 1, message: `is in folder "${folder}" but its pathways are [${article.pathways.join(', ')}]`, severity: 'warning' });
    }
  }
  const flagIds = new Set(redFlags?.flags.map((f) => f.id) ?? []);
  for (const article of articles) {
    for (const id of article.related) {
      if (!byId.has(id)) problems.push({ file: article.file, line: article.lines.related, message: `related: no article has id "${id}"`, severity: 'error' });
      if (id === article.id) problems.push({ file: article.file, line: article.lines.related, message: 'related: an article cannot relate to itself', severity: 'warning' });
    }
    // Without a valid red flags file the links cannot be checked; that file's own error is already reported.
    if (!redFlags) continue;
    for (const id of article.redFlags) {
      if (!flagIds.has(id)) problems.push({ file: article.file, line: article.lines.redFlags, message: `redFlags: no red flag has id "${id}" in ${RED_FLAGS_FILE}`, severity: 'error' });
    }
  }
  return problems;
}

async function listMarkdown(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries.filter((e) => e.isFile() && e.name.endsWith('.md') && !e.name.startsWith('.')).map((e) => join(e.parentPath, e.name));
}
