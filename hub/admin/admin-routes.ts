/**
 * REST control: the same admin actions as the WebSocket `admin` message, for scripts and curl.
 * Only admin tokens pass; every refused caller is answered 401/403 and written to the audit log.
 */
import type { IncomingMessage } from 'node:http';
import { HubError, isPlainObject, type AdminAction } from '../protocol/index.js';
import type { RouteHandler, Router } from '../http/router.js';
import type { RestAuth } from '../http/rest-auth.js';
import { clientIp, readJsonBody, sendJson } from '../http/http-util.js';
import type { Actor, AdminService } from './admin-service.js';

type Params = Record<string, unknown>;

export function addAdminRoutes(router: Router, auth: RestAuth, service: AdminService, maxBodyBytes: number): void {
  /** The caller as an admin, or a refusal that is audited. */
  const admin = async (req: IncomingMessage, attempt: AdminAction): Promise<Actor> => {
    const ip = clientIp(req);
    let identity;
    try {
      identity = await auth.identify(req);
    } catch (err) {
      service.denied({ ip, via: 'rest' }, attempt, err instanceof HubError ? err.message : 'token invalid');
      throw err;
    }
    const { sub, name, role } = identity.user;
    if (role !== 'admin') {
      service.denied({ ip, via: 'rest', sub, name }, attempt, 'admin role required');
      throw new HubError('forbidden', 'admin role required');
    }
    return { sub, name, role, ip, via: 'rest' };
  };

  const body = async (req: IncomingMessage): Promise<Params> => {
    const value = await readJsonBody(req, maxBodyBytes);
    if (!isPlainObject(value)) throw new HubError('bad_request', 'body must be a JSON object');
    return value;
  };

  /** A DELETE may carry a JSON body, or nothing. */
  const optionalBody = async (req: IncomingMessage): Promise<Params> =>
    Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] ? body(req) : {};

  const query = (url: URL): Params => Object.fromEntries(url.searchParams);

  /** GET routes are `list` with `what` fixed, the query string as filters and paging. */
  const list =
    (what: string): RouteHandler =>
    async (req, res, params, url) => {
      const actor = await admin(req, 'list');
      sendJson(res, 200, await service.perform('list', { ...query(url), ...params, what }, actor));
    };

  router.add('GET', '/api/clients', list('clients'));
  router.add('GET', '/api/rooms', list('rooms'));
  router.add('GET', '/api/rooms/{room}', list('room'));
  router.add('GET', '/api/bans', list('bans'));
  router.add('GET', '/api/invites', list('invites'));
  router.add('GET', '/api/audit', async (req, res, params, url) => {
    const actor = await admin(req, 'list');
    // `?action=` stays the REST name of the filter; the service reads it as `filterAction`.
    const { action, ...filters } = query(url);
    const fields: Params = { filterAction: action, ...filters, ...params, what: 'audit' };
    sendJson(res, 200, await service.perform('list', fields, actor));
  });

  router.add('DELETE', '/api/clients/{clientId}', async (req, res, { clientId }, url) => {
    const actor = await admin(req, 'kick');
    const fields: Params = { ...(await optionalBody(req)), clientId };
    if (fields.reason === undefined && url.searchParams.has('reason')) fields.reason = url.searchParams.get('reason');
    sendJson(res, 200, await service.perform('kick', fields, actor));
  });

  router.add('POST', '/api/bans', async (req, res) => {
    const actor = await admin(req, 'ban');
    sendJson(res, 201, await service.perform('ban', await body(req), actor));
  });

  router.add('DELETE', '/api/bans/{sub}', async (req, res, { sub }) => {
    const actor = await admin(req, 'unban');
    sendJson(res, 200, await service.perform('unban', { sub }, actor));
  });

  router.add('POST', '/api/invites', async (req, res) => {
    const actor = await admin(req, 'invite');
    sendJson(res, 201, await service.perform('invite', await body(req), actor));
  });

  router.add('DELETE', '/api/invites/{jti}', async (req, res, { jti }) => {
    const actor = await admin(req, 'revoke');
    sendJson(res, 200, await service.perform('revoke', { jti }, actor));
  });
}
