/** A tiny method + path router; handlers throw HubError and the router answers `{error, message}`. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HubError } from '../protocol/index.js';
import { sendError, sendHubError, sendMethodNotAllowed } from './http-util.js';

export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
  url: URL,
) => Promise<void> | void;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: RouteHandler;
}

export class Router {
  private readonly routes: Route[] = [];

  /** `path` uses `{name}` for one path segment, e.g. `/api/rooms/{room}/messages`. */
  add(method: string, path: string, handler: RouteHandler): this {
    const keys: string[] = [];
    const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, k: string) => {
      keys.push(k);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), keys, handler });
    return this;
  }

  /** Returns false when no route matches the path (so static files may answer). */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const m = route.pattern.exec(url.pathname);
      if (!m) continue;
      if (route.method !== req.method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      try {
        route.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1])));
      } catch {
        sendError(res, 'bad_request', 'malformed path');
        return true;
      }
      try {
        await route.handler(req, res, params, url);
      } catch (err) {
        if (!res.headersSent) sendHubError(res, err);
        else res.destroy();
      }
      return true;
    }
    if (allowed.length > 0) {
      sendMethodNotAllowed(res, req.method, [...new Set(allowed)]);
      return true;
    }
    return false;
  }
}

export function requireMethodBody(cond: boolean, message: string): void {
  if (!cond) throw new HubError('bad_request', message);
}
