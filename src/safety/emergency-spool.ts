import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { chmod, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logging.js';
import { recordEmergencyOnce, type Channel } from '../concerns/concern-queue.js';
import { recordInbound } from '../queue/conversation-log.js';
import { replaceFileSynced, syncDirectory } from '../storage/synced-files.js';

/** An emergency message as the turn saw it: enough to record it, and its queue item, later. */
export interface EmergencyRecord {
  /** Random; the key (emergency_records) that makes recording it more than once change nothing. */
  id: string;
  at: string;
  channel: Channel;
  conversationId: string;
  requesterKey: string;
  externalId?: string;
  text: string;
  flags: string[];
  advice: '999' | '111';
  reference?: unknown;
  /** False when the inbound message itself may not be in the transcript: the replay records it. */
  inboundRecorded: boolean;
}

export function emergencyRecord(input: Omit<EmergencyRecord, 'id' | 'at'> & { at: Date }): EmergencyRecord {
  return { ...input, id: randomUUID(), at: input.at.toISOString() };
}

/** Raises or joins the record's emergency item, once per record id. */
export function recordEmergencyFrom(db: Database, clock: Clock, record: EmergencyRecord) {
  return recordEmergencyOnce(db, clock, {
    recordId: record.id,
    channel: record.channel,
    conversationId: record.conversationId,
    requesterKey: record.requesterKey,
    flags: record.flags,
    advice: record.advice,
    entry: { direction: 'in', text: record.text, at: record.at },
  });
}

export interface EmergencySpoolDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  /** The spool file (DATA_DIR/emergency-spool.jsonl); undefined keeps it in memory only (memory:// data). */
  path: string | undefined;
  /** How often a non-empty spool is replayed. */
  retryMs?: number;
  /** How often a non-empty spool is reported. */
  watchdogMs?: number;
}

export const spoolPathFor = (dataDir: string) => (dataDir === 'memory://' ? undefined : join(dataDir, 'emergency-spool.jsonl'));

/**
 * Emergencies that storage could not take: the patient has had the 999 instruction, and the co-ordinators
 * must still see the item. Each is appended to a local file and fsynced before the turn goes on, then
 * replayed into the queue (message into the transcript, then the item) once storage answers again.
 *
 * The file holds patient text: it is created 0600 and nothing from it is ever logged. Replay is idempotent by
 * the record's id (emergency_records), so a record replayed twice, or by a live write that finished late,
 * adds nothing. One instance owns a DATA_DIR; instances over one database share only that key.
 */
export class EmergencySpool {
  private readonly records = new Map<string, EmergencyRecord>();
  /** File operations (appends, rewrites) one at a time; database calls are never made while holding it. */
  private fileOps: Promise<unknown> = Promise.resolve();
  private replaying: Promise<void> | undefined;
  private timers: NodeJS.Timeout[] = [];

  private constructor(private readonly deps: EmergencySpoolDeps) {}

  /** Opens the spool, reading what an earlier process left in it. */
  static async open(deps: EmergencySpoolDeps): Promise<EmergencySpool> {
    const spool = new EmergencySpool(deps);
    if (deps.path) await spool.load(deps.path);
    else deps.logger.warn({ event: 'emergency-spool-in-memory' }, 'no data directory: emergencies that cannot be stored are kept in memory only');
    return spool;
  }

  depth(): number {
    return this.records.size;
  }

  /** Keeps a record durably (fsynced). Never throws: a failing disk is logged as loudly as can be. */
  async keep(record: EmergencyRecord, log: Logger = this.deps.logger): Promise<void> {
    this.records.set(record.id, record);
    const path = this.deps.path;
    if (path) {
      try {
        await this.serialised(() => appendSynced(path, `${JSON.stringify(record)}\n`));
      } catch (err) {
        log.fatal({ event: 'emergency-spool-write-failed', recordId: record.id, problem: (err as Error).message }, 'emergency could not be spooled to disk');
      }
    }
    log.error({ event: 'emergency-spooled', recordId: record.id, depth: this.depth() }, 'emergency kept in the local spool until storage is back');
  }

  /** One pass: records each kept emergency, oldest first, until one fails (storage still away). */
  replay(): Promise<void> {
    this.replaying ??= this.replayPass().finally(() => (this.replaying = undefined));
    return this.replaying;
  }

  start(): void {
    const { retryMs = 5_000, watchdogMs = 60_000, logger } = this.deps;
    if (this.depth() > 0) void this.replay();
    this.timers.push(
      setInterval(() => {
        if (this.depth() > 0) void this.replay();
      }, retryMs),
      setInterval(() => {
        if (this.depth() === 0) return;
        const oldest = Math.min(...[...this.records.values()].map((r) => Date.parse(r.at)));
        logger.warn(
          { event: 'emergency-spool-not-empty', depth: this.depth(), oldestAgeS: Math.round((Date.now() - oldest) / 1000) },
          'emergencies are waiting in the local spool: storage is not taking them',
        );
      }, watchdogMs),
    );
    for (const timer of this.timers) timer.unref();
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.replaying;
    await this.fileOps;
  }

  private async replayPass(): Promise<void> {
    const { db, clock, logger } = this.deps;
    const started = Date.now();
    let replayed = 0;
    for (const record of [...this.records.values()]) {
      try {
        if (!record.inboundRecorded) {
          await recordInbound(db, clock, {
            channel: record.channel, conversationId: record.conversationId, requesterKey: record.requesterKey,
            externalId: record.externalId ?? `spool:${record.id}`, text: record.text, reference: record.reference, at: new Date(record.at),
          });
        }
        const { item, created, already } = await recordEmergencyFrom(db, clock, record);
        this.records.delete(record.id);
        replayed++;
        logger.warn({ event: 'emergency-spool-replayed', recordId: record.id, concernId: item.id, created, already }, 'spooled emergency recorded');
      } catch (err) {
        logger.warn({ event: 'emergency-spool-replay-failed', recordId: record.id, problem: (err as Error).message }, 'spooled emergency not recorded yet; will retry');
        break;
      }
    }
    if (replayed === 0) return;
    const path = this.deps.path;
    if (path) await this.serialised(() => replaceFileSynced(path, [...this.records.values()].map((r) => `${JSON.stringify(r)}\n`).join('')));
    logger.info({ event: 'emergency-spool-replay', replayed, left: this.depth(), ms: Date.now() - started }, 'emergency spool replayed');
  }

  private async load(path: string): Promise<void> {
    mkdirSync(dirname(path), { recursive: true });
    let text = '';
    try {
      text = await readFile(path, 'utf8');
      await chmod(path, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    let unreadable = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const record = JSON.parse(line) as EmergencyRecord;
        this.records.set(record.id, record);
      } catch {
        unreadable++; // a line cut short by a crash mid-append (its turn had not gone on)
      }
    }
    if (unreadable > 0) this.deps.logger.error({ event: 'emergency-spool-unreadable', lines: unreadable }, 'unreadable lines in the emergency spool');
    if (this.records.size > 0) this.deps.logger.warn({ event: 'emergency-spool-found', depth: this.records.size }, 'emergencies left in the spool by an earlier run');
  }

  private serialised<T>(op: () => Promise<T>): Promise<T> {
    const next = this.fileOps.then(op, op);
    this.fileOps = next.catch(() => undefined);
    return next;
  }
}

async function appendSynced(path: string, text: string): Promise<void> {
  const file = await open(path, 'a', 0o600);
  try {
    await file.appendFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  await syncDirectory(dirname(path)); // the file's own entry, when this append created it
}
