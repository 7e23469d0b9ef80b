/** Test support: plain HTTP and REST calls against a hub, answering status and parsed body. */
import { request as httpRequestRaw } from 'node:http';
import type { Hub } from '../../hub/server/types.js';

/** Plain HTTP against the hub: status, headers and parsed JSON (or text) body. */
export async function httpRequest(
  hub: Hub,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequestRaw({ host: '127.0.0.1', port: hub.port, method, path, headers: opts.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A REST call with an optional bearer token and JSON body; answers the status and parsed JSON. */
export async function apiCall(
  h: Hub,
  method: string,
  path: string,
  tok?: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (tok) headers.authorization = `Bearer ${tok}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(h.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}
