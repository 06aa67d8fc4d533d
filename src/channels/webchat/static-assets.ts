import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Request, Response, Server } from 'restify';

const gzipAsync = promisify(gzip);

export interface StaticAsset {
  /** The URL path it is served at. */
  urlPath: string;
  /** The file on disk. */
  file: string;
  contentType: string;
  /** Vendor files change only with a package upgrade; Carepoint's own files are revalidated each time. */
  cache: 'vendor' | 'own';
  /** Applied once, when the file is first read. */
  transform?: (text: string) => string;
}

interface Loaded {
  body: Buffer;
  gzipped?: Buffer;
  etag: string;
}

/**
 * Serves a fixed list of files (never a directory, so no path can escape it), each read and compressed on
 * first request and then kept in memory. Web Chat's bundle is 3.9 MB; gzip brings it near 1 MB for phones.
 */
export function registerStaticAssets(server: Server, assets: readonly StaticAsset[]): void {
  for (const asset of assets) {
    let loaded: Promise<Loaded> | undefined;
    const load = () => (loaded ??= loadAsset(asset).catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));
    server.get(asset.urlPath, async (req: Request, res: Response) => {
      let file: Loaded;
      try {
        file = await load();
      } catch {
        res.sendRaw(404, 'not found', { 'content-type': 'text/plain; charset=utf-8' });
        return;
      }
      const headers: Record<string, string> = {
        'content-type': asset.contentType,
        etag: file.etag,
        'cache-control': asset.cache === 'vendor' ? 'public, max-age=86400' : 'no-cache',
        'x-content-type-options': 'nosniff',
        vary: 'accept-encoding',
      };
      if (req.header('if-none-match') === file.etag) {
        res.sendRaw(304, '', headers);
        return;
      }
      const wantsGzip = /\bgzip\b/.test(req.header('accept-encoding') ?? '');
      if (wantsGzip && file.gzipped) {
        res.sendRaw(200, file.gzipped, { ...headers, 'content-encoding': 'gzip' });
        return;
      }
      res.sendRaw(200, file.body, headers);
    });
  }
}

async function loadAsset(asset: StaticAsset): Promise<Loaded> {
  const raw = await readFile(asset.file);
  const body = asset.transform ? Buffer.from(asset.transform(raw.toString('utf8')), 'utf8') : raw;
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  const compressible = /^(text\/|application\/(javascript|json)|image\/svg)/.test(asset.contentType) && body.length > 1024;
  return { body, etag, gzipped: compressible ? await gzipAsync(body) : undefined };
}
