/**
 * Serves the built console from `app://console/…`: only files inside the renderer folder, with
 * the CSP header on every response. Paths are decoded and normalised before the containment
 * check, so `..`, encoded slashes and absolute paths cannot reach outside the folder.
 */
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './app-origin.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file inside `root` a console URL names, or null when the URL is not the console's or would
 * leave the folder. Paths without an extension are client-side routes and get `index.html`.
 */
export function resolveAppAsset(root: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path === '/' || path === '' || extname(path) === '') path = '/index.html';
  const base = resolve(root);
  const file = resolve(base, `.${path}`);
  const rel = relative(base, file);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return null;
  return file;
}

export type ReadAsset = (file: string) => Promise<Uint8Array>;

/** Answer one `app://` request: the file with its type and the CSP, or a plain 404. */
export async function serveAppRequest(
  root: string,
  request: { url: string; method: string },
  policy: () => string,
  read: ReadAsset = readFile,
): Promise<Response> {
  const headers = {
    'content-security-policy': policy(),
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('method not allowed', { status: 405, headers });
  }
  const file = resolveAppAsset(root, request.url);
  if (!file) return new Response('not found', { status: 404, headers });
  try {
    const body = await read(file);
    // A copy typed over a plain ArrayBuffer, as the fetch types require.
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { ...headers, 'content-type': contentTypeFor(file) },
    });
  } catch {
    return new Response('not found', { status: 404, headers });
  }
}
