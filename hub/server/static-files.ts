/** Serves the built web client (console + dashboard client) with a strict CSP. */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError, sendMethodNotAllowed } from '../http/http-util.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export function defaultWebRoot(): string {
  return fileURLToPath(new URL('../../renderer-dist/', import.meta.url));
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Insight Hub</title>
<p>The hub is running, but the web client has not been built. Run <code>npm run build</code> and reload.</p>`;

export function createStaticHandler(webRoot: string): (req: IncomingMessage, res: ServerResponse, url: URL) => void {
  const root = resolve(webRoot);
  return (req, res, url) => {
    // Errors here are JSON `{error, message}` like every other hub answer.
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendMethodNotAllowed(res, req.method, ['GET', 'HEAD']);
      return;
    }
    let path: string;
    try {
      path = normalize(decodeURIComponent(url.pathname));
    } catch {
      sendError(res, 'bad_request', 'malformed path');
      return;
    }
    let file = join(root, path);
    if (file !== root && !file.startsWith(root + sep)) {
      sendError(res, 'not_found', 'no such file');
      return;
    }
    // Client-side routes fall back to the app shell.
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS }).end(NOT_BUILT);
      return;
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const immutable = file.includes(`${sep}assets${sep}`);
    res.writeHead(200, {
      'content-type': type,
      'content-length': statSync(file).size,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...SECURITY_HEADERS,
    });
    if (req.method === 'HEAD') res.end();
    // The open can fail (EMFILE when descriptors run out): without a listener that error ends the
    // process. The headers are gone, so the only answer left is to cut this response.
    else
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
  };
}
