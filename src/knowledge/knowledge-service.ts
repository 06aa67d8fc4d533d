import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import { KnowledgeFileError, type RedFlagSet } from '../safety/red-flags.js';
import { watchFolderTree, type FolderWatch } from './folder-watcher.js';
import { buildKnowledgeBase, type ArticleKnowledgeBase } from './knowledge-base.js';
import { readKnowledgeFiles } from './load-knowledge.js';
import type { KnowledgeAnswer, KnowledgeBase } from './types.js';

export interface KnowledgeService extends KnowledgeBase {
  /** The last good set of red flags. */
  redFlags(): RedFlagSet;
  /** Changes on each successful reload (a hash of the content). */
  version(): string;
  /** Throws on a bad edit, keeping the last good version in service. */
  reload(): Promise<void>;
  /** Stops the watcher. */
  close(): Promise<void>;
}

export interface KnowledgeServiceOptions {
  dir: string;
  clock: Clock;
  /** Never given question text: that is patient data. */
  logger: Logger;
  watch?: boolean;
  queryRewriter?: BaseChatModel;
  embeddings?: EmbeddingsInterface;
  /** Quiet time after the last file change before reloading (editors write in several steps). */
  debounceMs?: number;
}

interface Snapshot {
  kb: ArticleKnowledgeBase;
  redFlags: RedFlagSet;
  version: string;
}

export async function openKnowledgeService(options: KnowledgeServiceOptions): Promise<KnowledgeService> {
  const logger = options.logger.child({ component: 'knowledge' });
  const vectorCache = new Map<string, number[]>();

  /** The files as they are now; undefined when their version is the one in service (nothing to rebuild). */
  async function load(inService?: string): Promise<Snapshot | undefined> {
    const files = await readKnowledgeFiles(options.dir);
    const errors = files.problems.filter((p) => p.severity === 'error');
    if (errors.length > 0 || !files.redFlags) {
      const first = errors[0] ?? { file: 'red-flags.yaml', line: 1, message: 'missing' };
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem(s); run npm run kb -- check)` : '';
      throw new KnowledgeFileError(first.file, first.line, `${first.message}${more}`);
    }
    if (files.version === inService) return undefined;
    const kb = await buildKnowledgeBase(files.articles, {
      clock: options.clock,
      logger,
      queryRewriter: options.queryRewriter,
      embeddings: options.embeddings,
      vectorCache,
    });
    return { kb, redFlags: files.redFlags, version: files.version };
  }

  // Each answer reads `current` once, so a reload swapping it never changes an answer half-way through.
  let current = (await load())!;
  logger.info({ version: current.version, articles: current.kb.articleCount() }, 'knowledge loaded');

  // Reloads run one at a time; a change during a reload queues one more. Every outcome names the version
  // in service afterwards, so an operator can tell from the log which content patients are getting.
  let running: Promise<void> = Promise.resolve();
  const reload = (): Promise<void> => {
    const next = running.then(async () => {
      try {
        const snapshot = await load(current.version);
        if (!snapshot) {
          logger.info({ version: current.version, articles: current.kb.articleCount() }, 'knowledge unchanged');
          return;
        }
        const previousVersion = current.version;
        current = snapshot;
        logger.info({ version: snapshot.version, previousVersion, articles: snapshot.kb.articleCount() }, 'knowledge reloaded');
      } catch (err) {
        const where = err instanceof KnowledgeFileError ? { file: err.file, line: err.line, problem: err.problem } : { problem: (err as Error).message };
        logger.error({ ...where, keptVersion: current.version, version: current.version }, 'knowledge reload rejected; last good version kept');
        throw err;
      }
    });
    running = next.catch(() => undefined);
    return next;
  };

  let watcher: FolderWatch | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (options.watch) {
    watcher = watchFolderTree(
      options.dir,
      () => {
        clearTimeout(timer);
        timer = setTimeout(() => void reload().catch(() => undefined), options.debounceMs ?? 300);
      },
      (err) => logger.error({ problem: err.message }, 'knowledge watcher failed; edits may need a restart'),
    );
  }

  return {
    answer: (question: string): Promise<KnowledgeAnswer> => current.kb.answer(question),
    continuation: (articleId: string, question: string) => current.kb.continuation(articleId, question),
    answerFrom: (articleId: string, question: string) => current.kb.answerFrom(articleId, question),
    articleCount: () => current.kb.articleCount(),
    redFlags: () => current.redFlags,
    version: () => current.version,
    reload,
    close: async () => {
      clearTimeout(timer);
      watcher?.close();
      await running;
    },
  };
}
