import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Problem } from '../knowledge/article-file.js';
import { classifierSettingsSchema, labelledMessageSchema, trainRiskClassifier, type LabelledMessage, type RiskClassifier } from './risk-classifier.js';

export const CORPUS_DIR = 'screening/corpus';
export const CLASSIFIER_FILE = 'screening/classifier.yaml';

export interface ScreeningFiles {
  classifier: RiskClassifier | undefined;
  corpus: LabelledMessage[];
  problems: Problem[];
  /** Every file read, with its text, for the knowledge version hash. */
  read: { file: string; text: string }[];
}

/**
 * Reads the screening corpus (one labelled message a line) and the classifier's settings, and trains the
 * classifier. A bad line is an error with its file and line; with no corpus there is no classifier (the
 * concept rules still screen every message).
 */
export async function readScreeningFiles(dir: string): Promise<ScreeningFiles> {
  const problems: Problem[] = [];
  const read: ScreeningFiles['read'] = [];
  const corpus: LabelledMessage[] = [];
  let names: string[] = [];
  try {
    names = (await readdir(join(dir, CORPUS_DIR))).filter((n) => n.endsWith('.jsonl')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  for (const name of names) {
    const file = `${CORPUS_DIR}/${name}`;
    const text = await readFile(join(dir, file), 'utf8');
    read.push({ file, text });
    text.split('\n').forEach((line, index) => {
      if (!line.trim()) return;
      const problem = (message: string) => problems.push({ file, line: index + 1, message, severity: 'error' });
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        return problem('is not valid JSON');
      }
      const parsed = labelledMessageSchema.safeParse(value);
      if (parsed.success) corpus.push(parsed.data);
      else problem(parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; '));
    });
  }
  if (names.length === 0) return { classifier: undefined, corpus, problems, read };

  let settingsText: string;
  try {
    settingsText = await readFile(join(dir, CLASSIFIER_FILE), 'utf8');
  } catch {
    problems.push({ file: CLASSIFIER_FILE, line: 1, message: 'is missing: the corpus needs the thresholds chosen for it', severity: 'error' });
    return { classifier: undefined, corpus, problems, read };
  }
  read.push({ file: CLASSIFIER_FILE, text: settingsText });
  const settings = classifierSettingsSchema.safeParse(parseYaml(settingsText));
  if (!settings.success) {
    problems.push({ file: CLASSIFIER_FILE, line: 1, message: settings.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), severity: 'error' });
    return { classifier: undefined, corpus, problems, read };
  }
  return { classifier: trainRiskClassifier(corpus, settings.data), corpus, problems, read };
}
