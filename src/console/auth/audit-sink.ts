/** One line for the audit log (the concerns feature's append-only `audit_log`, through `appendAudit`). */
export interface AuditEntry {
  /** The co-ordinator's user id. */
  actor: string;
  action: 'console-sign-in' | 'console-sign-out';
  concernId?: string;
  detail?: Record<string, unknown>;
  source: string;
}

/** Where sign-in and sign-out are recorded; compose.ts wires it to the audit log. */
export interface AuditSink {
  append(entry: AuditEntry): Promise<void>;
}

/** Keeps entries in memory: for tests. */
export class MemoryAuditSink implements AuditSink {
  readonly entries: AuditEntry[] = [];
  async append(entry: AuditEntry): Promise<void> {
    this.entries.push(entry);
  }
}
