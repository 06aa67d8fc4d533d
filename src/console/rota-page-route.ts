import type { Server } from 'restify';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { saveRota } from '../oncall/rota-changes.js';
import { checkRota } from '../oncall/rota-check.js';
import { readRotaFile, type RotaFile } from '../oncall/rota-file.js';
import { readRotaText } from '../oncall/rota-save.js';
import { onCallAt } from '../oncall/on-call.js';
import type { ConsoleAccess, SignedIn } from './console-access.js';
import { rotaPageBody, type RotaView } from './pages/rota-page.js';

export interface RotaPageDeps {
  access: ConsoleAccess;
  db: Database;
  rota: Pick<RotaFile, 'current' | 'reload'>;
  /** ROTA_FILE (or rota.yaml in DATA_DIR): with several instances, on storage they all share. */
  path: string;
  clock: Clock;
  timeZone: string;
}

/** The weeks ahead the page checks for gaps, as `npm run rota -- check` does by default. */
const CHECK_WEEKS = 8;
/** Far more than any rota needs; a bigger body is refused before it is parsed. */
const MAX_ROTA_CHARS = 100_000;

/** GET /console/rota (who is on call, the next 8 weeks, the file in an editor) and POST /console/rota (save it): Admin only. */
export function registerRotaPage(server: Server, deps: RotaPageDeps): void {
  const { access } = deps;

  const viewOf = async (who: SignedIn, extra: Partial<RotaView> = {}): Promise<RotaView> => {
    const now = deps.clock.now();
    const rota = deps.rota.current();
    const onCall = rota ? onCallAt(rota, now) : undefined;
    const [file, read] = await Promise.all([readRotaText(deps.path), readRotaFile(deps.path)]);
    return {
      now: onCall, next: rota && onCall?.until ? onCallAt(rota, onCall.until) : undefined,
      check: checkRota(read, deps.path, now, CHECK_WEEKS), fileRefused: read.status === 'invalid', file: deps.path, text: file.text, version: file.version,
      timeZone: rota?.timeZone ?? deps.timeZone, csrfToken: who.viewer.csrfToken, ...extra,
    };
  };
  const send = (res: Parameters<ConsoleAccess['send']>[0], who: SignedIn, status: number, view: RotaView) =>
    access.send(res, { status, title: 'On-call rota', body: rotaPageBody(view), viewer: who.viewer, current: { section: 'rota', exact: true } });

  server.get('/console/rota', access.handle(async (req, res) => {
    const who = await access.page(req, res, 'Admin');
    if (!who) return;
    send(res, who, 200, await viewOf(who, { saved: (req.query as Record<string, unknown> | undefined)?.saved === '1' }));
  }));

  server.post('/console/rota', access.handle(async (req, res) => {
    const who = await access.form(req, res, 'Admin');
    if (!who) return;
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    if (typeof body.rota !== 'string' || body.rota.length > MAX_ROTA_CHARS) {
      const problems = [{ file: deps.path, line: 1, message: 'the rota must be a text of at most 100,000 characters', severity: 'error' as const }];
      return send(res, who, 400, await viewOf(who, { problems }));
    }
    // Browsers send a textarea's lines with CRLF; the file keeps the editor's own line ends.
    const text = body.rota.replace(/\r\n?/g, '\n');
    const edited = typeof body.version === 'string' && body.version !== '' ? body.version : undefined;
    const saved = await saveRota(deps.db, { path: deps.path, text, editedVersion: edited, by: who.by });
    if (!saved.ok) {
      const refused = saved.reason === 'invalid'
        ? await viewOf(who, { problems: saved.problems })
        : await viewOf(who, { conflict: true });
      // What was typed stays in the editor; a conflict's next save is from the version now on disk.
      return send(res, who, saved.reason === 'invalid' ? 400 : 409, { ...refused, text, version: saved.reason === 'invalid' ? edited : refused.version });
    }
    // In force here before the answer, whatever the notification's timing.
    await deps.rota.reload();
    res.sendRaw(303, '', { location: '/console/rota?saved=1', 'cache-control': 'no-store' });
  }));
}
