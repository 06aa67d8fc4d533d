/**
 * Emergency screening cost per message (concept rules and classifier together), on traffic as varied as
 * real messages: every labelled message in knowledge/eval and the screening corpus, each also with a
 * greeting, a sign-off and a slip of the keyboard, so no two are alike. Median of several passes. Also the
 * cost of language identification, which runs on every message too: the same messages and those of the
 * language set (knowledge/eval/language), so that other languages and scripts are among them.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readKnowledgeFiles } from '../src/knowledge/load-knowledge.js';
import { identifyLanguage } from '../src/language/identify-language.js';
import { loadLanguageLines } from '../src/language/language-lines.js';
import { createEmergencyScreen } from '../src/safety/emergency-screen.js';

const KNOWLEDGE_DIR = fileURLToPath(new URL('../knowledge', import.meta.url));
const PASSES = 5;

export async function runScreeningBench(): Promise<Record<string, unknown>> {
  const { redFlags } = await readKnowledgeFiles(KNOWLEDGE_DIR);
  if (!redFlags) throw new Error('red flags could not be loaded');
  const screen = createEmergencyScreen(() => redFlags);
  const messages = await variedMessages(['eval', 'eval/screening', 'screening/corpus']);
  const languages = [...(await loadLanguageLines(KNOWLEDGE_DIR)).byCode.keys()];
  const languageMessages = [...messages, ...(await variedMessages(['eval/language']))];
  return {
    messages: messages.length,
    classifierTrainedOn: redFlags.classifier?.examples ?? 0,
    microseconds: perMessage(messages, (m) => screen.screen(m)),
    languageIdentification: { messages: languageMessages.length, microseconds: perMessage(languageMessages, (m) => identifyLanguage(m, languages)) },
  };
}

/**
 * Microseconds a message: the median, p99 and max of a pass, each the median of PASSES passes. Each call is
 * timed alone, garbage collection it causes included; the timings go into an array made once, read with
 * performance.now() (two BigInts a call, and an array grown as it went, were allocations of the bench's own).
 */
function perMessage(messages: string[], run: (message: string) => unknown) {
  for (const m of messages.slice(0, 500)) run(m); // warm-up
  const passes: { median: number; p99: number; max: number }[] = [];
  const times = new Float64Array(messages.length);
  for (let pass = 0; pass < PASSES; pass++) {
    for (let i = 0; i < messages.length; i++) {
      const started = performance.now();
      run(messages[i]!);
      times[i] = (performance.now() - started) * 1000;
    }
    times.sort();
    const at = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))]!);
    passes.push({ median: at(0.5), p99: at(0.99), max: Math.round(times.at(-1)!) });
  }
  const middle = (key: 'median' | 'p99' | 'max') => passes.map((p) => p[key]).sort((a, b) => a - b)[Math.floor(PASSES / 2)];
  return { median: middle('median'), p99: middle('p99'), max: middle('max') };
}

async function variedMessages(folders: string[]): Promise<string[]> {
  const texts: string[] = [];
  for (const dir of folders.map((folder) => join(KNOWLEDGE_DIR, folder))) {
    for (const name of (await readdir(dir)).filter((n) => n.endsWith('.jsonl'))) {
      for (const line of (await readFile(join(dir, name), 'utf8')).split('\n')) {
        if (!line.trim()) continue;
        const c = JSON.parse(line) as { q?: string; text?: string };
        const text = c.q ?? c.text;
        if (text) texts.push(text);
      }
    }
  }
  const greetings = ['', 'hi ', 'Hello, ', 'sorry to bother you, ', 'hiya '];
  const endings = ['', ' thanks', ' x', ' please help', '?'];
  return texts.flatMap((t, i) => [t, `${greetings[i % 5]}${typo(t, i)}${endings[(i + 2) % 5]}`]);
}

/** One slip of the keyboard: two neighbouring letters swapped somewhere in the message. */
function typo(text: string, seed: number): string {
  if (text.length < 6) return text;
  const at = 1 + (seed * 7919) % (text.length - 3);
  return text.slice(0, at) + text[at + 1] + text[at] + text.slice(at + 2);
}
