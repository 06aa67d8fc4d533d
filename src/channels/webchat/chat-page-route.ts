import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Server } from 'restify';
import { registerStaticAssets, type StaticAsset } from './static-assets.js';

const PAGES_DIR = fileURLToPath(new URL('../../http/pages/', import.meta.url));

/** Where the vendor packages' compiled files are, wherever npm put them. */
function packageDirs(): { nhsuk: string; webChat: string } {
  const require = createRequire(import.meta.url);
  return {
    nhsuk: join(dirname(require.resolve('nhsuk-frontend/package.json')), 'dist', 'nhsuk'),
    // The package exports no subpaths; its CommonJS entry is lib/index.js, the UMD bundle is in dist/.
    webChat: join(dirname(require.resolve('botframework-webchat')), '..', 'dist'),
  };
}

/**
 * The NHS stylesheet loads Frutiger from assets.nhs.uk. That font is licensed for nhs.uk only (services
 * elsewhere use Arial, which is the stylesheet's fallback), and the page's policy allows no font host.
 */
export function withoutFontFaces(css: string): string {
  return css.replace(/@font-face\s*\{[^}]*\}/g, '');
}

/** Every file the chat page loads: NHS design system, Web Chat, and the page's own script and styles. */
export function chatPageAssets(): StaticAsset[] {
  const { nhsuk, webChat } = packageDirs();
  const nhsukFile = (suffix: string) => {
    const name = readdirSync(nhsuk).find((f) => f.startsWith('nhsuk-frontend-') && !f.includes('dynamic-type') && f.endsWith(suffix));
    if (!name) throw new Error(`nhsuk-frontend: no compiled nhsuk-frontend-*${suffix}`);
    return join(nhsuk, name);
  };
  const imagesDir = join(nhsuk, 'assets', 'images');
  const images: StaticAsset[] = readdirSync(imagesDir)
    .filter((f) => /\.(svg|png|ico)$/.test(f))
    .map((f) => ({ urlPath: `/assets/images/${f}`, file: join(imagesDir, f), contentType: contentTypeOf(f), cache: 'vendor' }));
  return [
    { urlPath: '/assets/nhsuk-frontend.min.css', file: nhsukFile('.min.css'), contentType: 'text/css; charset=utf-8', cache: 'vendor', transform: withoutFontFaces },
    { urlPath: '/assets/nhsuk-frontend.min.js', file: nhsukFile('.min.js'), contentType: 'text/javascript; charset=utf-8', cache: 'vendor' },
    { urlPath: '/assets/webchat.js', file: join(webChat, 'webchat.js'), contentType: 'text/javascript; charset=utf-8', cache: 'vendor' },
    { urlPath: '/assets/chat.js', file: join(PAGES_DIR, 'chat.js'), contentType: 'text/javascript; charset=utf-8', cache: 'own' },
    { urlPath: '/assets/chat.css', file: join(PAGES_DIR, 'chat.css'), contentType: 'text/css; charset=utf-8', cache: 'own' },
    { urlPath: '/favicon.ico', file: join(imagesDir, 'favicon.ico'), contentType: 'image/x-icon', cache: 'vendor' },
    ...images,
  ];
}

function contentTypeOf(file: string): string {
  if (file.endsWith('.svg')) return 'image/svg+xml';
  if (file.endsWith('.png')) return 'image/png';
  return 'image/x-icon';
}

/** The sha256 of an empty <style> element. */
const EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";

/**
 * The page's Content-Security-Policy: only this origin, plus the Direct Line service when Azure carries the
 * chat. Web Chat styles itself at run time (emotion): it creates empty <style> elements and fills them
 * through the CSSOM (insertRule), which the policy does not govern. Web Chat's own elements carry this
 * response's nonce; the scroll panel inside it (react-scroll-to-bottom) is not given the nonce, so empty
 * <style> elements are allowed by their hash. No inline style text is allowed.
 * Web Chat also draws a few images from blob: URLs it creates itself.
 */
export function contentSecurityPolicy(nonce: string, directLineOrigin?: string): string {
  const connect = ["'self'", ...(directLineOrigin ? [directLineOrigin] : [])].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}' ${EMPTY_STYLE_HASH}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** GET /: the patient chat page, and the files it loads. */
export function registerChatPage(server: Server, options: { directLineOrigin?: string } = {}): void {
  const template = readFileSync(join(PAGES_DIR, 'chat.html'), 'utf8');
  server.get('/', async (_req, res) => {
    const nonce = randomBytes(16).toString('base64');
    res.sendRaw(200, template.replaceAll('{{styleNonce}}', nonce), {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': contentSecurityPolicy(nonce, options.directLineOrigin),
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    });
  });
  registerStaticAssets(server, chatPageAssets());
}
