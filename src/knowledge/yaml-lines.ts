import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';

/** Something wrong in a content file, with where it is (1-based line) for the people who edit it. */
export interface Problem {
  file: string;
  line: number;
  message: string;
  severity: 'error' | 'warning';
}

/** A parsed YAML document that can say on which line of its file any part of it is. */
export interface YamlLines {
  doc: Document;
  /** The file line of a node (line 1 when it has no position). */
  lineOf(node: Node | null | undefined): number;
  /** The line of the deepest node on the path that exists (a missing field points at its parent). */
  lineOfPath(path: readonly (string | number)[]): number;
  /** The line of a top-level key (for unknown fields). */
  lineOfKey(key: string): number;
}

export type ReadYaml = { ok: true; yaml: YamlLines } | { ok: false; problems: Problem[] };

/**
 * Parses YAML keeping line numbers. `firstLine` is the file line the text starts on (front matter starts on
 * line 2 of an article). A syntax error is reported at its line, with its first line of explanation only
 * (the rest quotes the file, and a rota's file holds phone numbers).
 */
export function readYaml(text: string, file: string, firstLine = 1): ReadYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const shift = firstLine - 1;
  if (doc.errors.length > 0) {
    return {
      ok: false,
      // The parser's own "at line 3, column 1" counts from the text's start, not the file's: the line given is right.
      problems: doc.errors.map((e) => ({
        file, line: e.linePos ? e.linePos[0].line + shift : 1, message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), severity: 'error',
      })),
    };
  }
  const lineOf = (node: Node | null | undefined) => (node?.range ? lineCounter.linePos(node.range[0]).line + shift : 1);
  const yaml: YamlLines = {
    doc,
    lineOf,
    lineOfPath(path) {
      for (let depth = path.length; depth > 0; depth--) {
        const node = doc.getIn(path.slice(0, depth), true) as Node | undefined;
        if (node && (isScalar(node) || node.range)) return lineOf(node);
      }
      return lineOf(doc.contents ?? undefined);
    },
    lineOfKey(key) {
      if (!isMap(doc.contents)) return 1;
      const pair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === key);
      return lineOf(pair?.key as Node | undefined);
    },
  };
  return { ok: true, yaml };
}

/**
 * Every zod issue as a problem at its line: `path: message`, and an unknown field (usually a typo) at the
 * line of the field itself. `at`: where in the document the value checked was (an entry of a list).
 * Messages name no values, so they are safe to log.
 */
export function schemaProblems(yaml: YamlLines, error: z.ZodError, file: string, at: readonly (string | number)[] = []): Problem[] {
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    const own = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const path = [...at, ...own];
    // An entry of a list is named by its list, not its index: the line says which entry.
    const shown = [...at.filter((p) => typeof p === 'string'), ...own];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const line = path.length ? yaml.lineOf(keyNode(yaml.doc, path, key)) : yaml.lineOfKey(key);
        const where = shown.length ? `${shown.join('.')}: ` : '';
        problems.push({ file, line, message: `${where}unknown field "${key}" (a typo?)`, severity: 'error' });
      }
    } else {
      const where = shown.length ? `${shown.join('.')}: ` : '';
      problems.push({ file, line: yaml.lineOfPath(path), message: `${where}${issue.message}`, severity: 'error' });
    }
  }
  return problems;
}

/** The key node of `key` in the map at `path` (undefined when there is none). */
function keyNode(doc: Document, path: (string | number)[], key: string): Node | undefined {
  const map = doc.getIn(path, true);
  if (!isMap(map)) return map as Node | undefined;
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  return (pair?.key as Node | undefined) ?? map;
}
