import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on a module of this project. Source files are TypeScript run through tsx, and
 * Node 20 does not pass the parent's loader to a worker, so a .ts entry registers tsx before importing.
 */
export function startWorker(entry: URL, workerData: unknown): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}
