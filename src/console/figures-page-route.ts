import type { Request, Server } from 'restify';
import type { Clock } from '../clock.js';
import { experienceFigures, NO_PATHWAY, type ExperienceFigures } from '../concerns/figures/experience-figures.js';
import { figuresCsv, figuresFileName } from '../concerns/figures/figures-csv.js';
import { PATHWAYS } from '../concerns/model.js';
import type { WorkingHours } from '../concerns/working-hours.js';
import type { Database } from '../db/database.js';
import type { Role } from '../http/coordinator-auth.js';
import type { ConsoleAccess } from './console-access.js';
import { FIGURE_PERIODS, figuresPageBody, type FiguresFilters } from './pages/figures-page.js';

/** Who may see the figures: co-ordinators and admins. */
const FIGURES_ROLES: readonly Role[] = ['Coordinator', 'Admin'];

/** The filters in the query; anything not offered falls back to the default (12 weeks, all pathways). */
function filtersOf(req: Request): FiguresFilters {
  const query = (req.query ?? {}) as Record<string, unknown>;
  const weeks = FIGURE_PERIODS.find((w) => String(w) === query.weeks) ?? FIGURE_PERIODS[0];
  const pathway = [...PATHWAYS, NO_PATHWAY].find((p) => p === query.pathway);
  return pathway ? { weeks, pathway } : { weeks };
}

/** GET /console/figures (the page: charts and tables) and /console/figures.csv (the same figures, one row per pathway and week). */
export function registerFiguresPage(server: Server, deps: { access: ConsoleAccess; db: Database; clock: Clock; hours: WorkingHours }): void {
  const { access } = deps;
  const figuresFor = (filters: FiguresFilters): Promise<ExperienceFigures> =>
    experienceFigures(deps.db, { now: deps.clock.now(), weeks: filters.weeks, pathway: filters.pathway, hours: deps.hours });

  server.get('/console/figures', access.handle(async (req, res) => {
    const who = await access.page(req, res, FIGURES_ROLES);
    if (!who) return;
    const filters = filtersOf(req);
    access.send(res, {
      status: 200, title: 'Patient experience figures', body: figuresPageBody({ figures: await figuresFor(filters), filters }),
      viewer: who.viewer, current: { section: 'figures', exact: true }, wide: true,
    });
  }));

  server.get('/console/figures.csv', access.handle(async (req, res) => {
    const who = await access.page(req, res, FIGURES_ROLES);
    if (!who) return;
    const filters = filtersOf(req);
    const figures = await figuresFor(filters);
    res.sendRaw(200, figuresCsv(figures), {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${figuresFileName(figures, filters.pathway)}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
  }));
}
