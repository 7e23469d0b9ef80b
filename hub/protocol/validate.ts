/**
 * One validator per client message. Each takes parsed JSON and returns the typed message or throws
 * a HubError with `bad_request` / `too_large`; nothing else reads raw client input.
 */
import { HubError } from './codes.js';
import { isValidRoomName, isValidRoomPattern } from './rooms.js';
import {
  ADMIN_ACTIONS,
  ROLES,
  type ClientMessage,
  type Json,
  type JsonObject,
  type StreamPosition,
} from './messages.js';

export const MAX_ID_LENGTH = 64;
export const MAX_EVENT_LENGTH = 64;
export const MAX_JSON_DEPTH = 32;
/** Publish idempotency keys: 1-64 characters, any text. */
export const MAX_KEY_LENGTH = 64;
/** Bounds of a history `limit` (subscribe `history`, `history` request, REST `?limit=`). */
export const MAX_HISTORY_LIMIT = 1000;
export const DEFAULT_HISTORY_LIMIT = 100;
const EVENT_NAME = /^[A-Za-z0-9_.:$-]{1,64}$/;

const bad = (message: string): HubError => new HubError('bad_request', message);

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Depth of nested arrays/objects, stopping as soon as `limit` is passed. */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

function requireString(msg: Record<string, unknown>, field: string, max = 1024): string {
  const v = msg[field];
  if (typeof v !== 'string' || v.length === 0) throw bad(`"${field}" must be a non-empty string`);
  if (v.length > max) throw bad(`"${field}" is longer than ${max} characters`);
  return v;
}

function requireRoom(msg: Record<string, unknown>): string {
  const room = msg.room;
  if (!isValidRoomName(room)) {
    throw bad('"room" must be 1-128 characters of A-Z a-z 0-9 _ . : @ -');
  }
  return room;
}

function requireJson(value: unknown, field: string): Json {
  if (value === undefined) throw bad(`"${field}" is required`);
  if (jsonDepthExceeds(value, MAX_JSON_DEPTH)) throw bad(`"${field}" is nested deeper than ${MAX_JSON_DEPTH}`);
  return value as Json;
}

/** A `since` that is not a well-formed position is reported as `null` so the hub fails closed. */
export function parseSince(value: unknown): StreamPosition | null | undefined {
  if (value === undefined) return undefined;
  if (
    isPlainObject(value) &&
    typeof value.epoch === 'string' &&
    value.epoch.length > 0 &&
    value.epoch.length <= 64 &&
    Number.isSafeInteger(value.seq) &&
    (value.seq as number) >= 0
  ) {
    return { epoch: value.epoch, seq: value.seq as number };
  }
  return null;
}

/** A history `limit`: an integer 1..1000, or absent. */
export function parseHistoryLimit(value: unknown, field = 'limit'): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < 1 || (value as number) > MAX_HISTORY_LIMIT) {
    throw bad(`"${field}" must be an integer from 1 to ${MAX_HISTORY_LIMIT}`);
  }
  return value as number;
}

function parseHistoryOption(value: unknown): { limit: number } | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value) || value.limit === undefined)
    throw bad(`"history" must be {limit: 1-${MAX_HISTORY_LIMIT}}`);
  return { limit: parseHistoryLimit(value.limit, 'history.limit')! };
}

type Validator = (msg: Record<string, unknown>) => ClientMessage;

const validators: Record<ClientMessage['type'], Validator> = {
  subscribe(msg) {
    const room = requireRoom(msg);
    const since = parseSince(msg.since);
    const history = parseHistoryOption(msg.history);
    // A malformed `since` stays on the message as null: the hub answers recovered:false.
    return { type: 'subscribe', room, since: since as StreamPosition | undefined, ...(history ? { history } : {}) };
  },
  history(msg) {
    const room = requireRoom(msg);
    const limit = parseHistoryLimit(msg.limit);
    const since = parseSince(msg.since);
    // A read answers what it was asked; unlike a resume there is nothing to fail closed into.
    if (since === null) throw bad('"since" must be {epoch: string, seq: integer >= 0}');
    return { type: 'history', room, ...(limit !== undefined ? { limit } : {}), ...(since ? { since } : {}) };
  },
  unsubscribe(msg) {
    return { type: 'unsubscribe', room: requireRoom(msg) };
  },
  publish(msg) {
    const room = requireRoom(msg);
    const event = requireString(msg, 'event', MAX_EVENT_LENGTH);
    if (!EVENT_NAME.test(event)) throw bad('"event" must be 1-64 characters of A-Z a-z 0-9 _ . : $ -');
    const data = requireJson(msg.data, 'data');
    if (msg.echo !== undefined && typeof msg.echo !== 'boolean') throw bad('"echo" must be a boolean');
    if (msg.key === undefined) return { type: 'publish', room, event, data, echo: msg.echo === true };
    return {
      type: 'publish',
      room,
      event,
      data,
      echo: msg.echo === true,
      key: requireString(msg, 'key', MAX_KEY_LENGTH),
    };
  },
  presence(msg) {
    const room = requireRoom(msg);
    if (!isPlainObject(msg.state)) throw bad('"state" must be an object');
    const state = requireJson(msg.state, 'state') as JsonObject;
    return { type: 'presence', room, state };
  },
  members(msg) {
    const room = requireRoom(msg);
    if (msg.cursor !== undefined && (typeof msg.cursor !== 'string' || msg.cursor.length > 64)) {
      throw bad('"cursor" must be a string from a subscribe ack or a members answer');
    }
    return { type: 'members', room, cursor: msg.cursor };
  },
  ping() {
    return { type: 'ping' };
  },
  auth(msg) {
    return { type: 'auth', token: requireString(msg, 'token', 16384) };
  },
  admin(msg) {
    const action = msg.action;
    if (typeof action !== 'string' || !(ADMIN_ACTIONS as readonly string[]).includes(action)) {
      throw bad(`"action" must be one of ${ADMIN_ACTIONS.join(', ')}`);
    }
    requireJson(msg, 'admin');
    return { ...(msg as Record<string, Json>), type: 'admin', action } as ClientMessage;
  },
};

/**
 * Parse one text frame. Returns the message and its `id` (echoed in the answer even when the rest
 * of the message is invalid, so a client can match the error to its request).
 */
export function parseClientMessage(text: string): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad('frame is not valid JSON');
  }
  return validateClientMessage(value);
}

/**
 * Validate an already parsed message (a REST body's fields): no re-serialization, which would
 * overflow the stack on deeply nested input before the depth check could refuse it.
 */
export function validateClientMessage(value: unknown): ClientMessage {
  if (!isPlainObject(value)) throw bad('frame must be a JSON object');
  const id = value.id;
  if (id !== undefined && (typeof id !== 'string' || id.length > MAX_ID_LENGTH)) {
    throw bad(`"id" must be a string of at most ${MAX_ID_LENGTH} characters`);
  }
  const type = value.type;
  if (typeof type !== 'string') throw withId(bad('"type" must be a string'), id);
  const validate = Object.hasOwn(validators, type) ? validators[type as ClientMessage['type']] : undefined;
  if (!validate) throw withId(bad(`unknown type "${type.slice(0, 32)}"`), id);
  try {
    const msg = validate(value);
    if (id !== undefined) msg.id = id;
    return msg;
  } catch (err) {
    throw withId(err, id);
  }
}

/** Carries the request id on an error so the answer can echo it. */
export function withId(err: unknown, id: unknown): unknown {
  if (err instanceof Error && typeof id === 'string') (err as Error & { requestId?: string }).requestId = id;
  return err;
}

export function requestIdOf(err: unknown): string | undefined {
  return (err as { requestId?: string } | null)?.requestId;
}

/** Claims check shared by the hub's verifier and the token minter. */
export function checkRoomsClaim(rooms: unknown): string[] {
  if (rooms === undefined) return [];
  if (!Array.isArray(rooms) || rooms.length > 256 || !rooms.every(isValidRoomPattern)) {
    throw new HubError('unauthorized', 'token claim "rooms" must be a list of room patterns');
  }
  return rooms;
}

export function isRole(v: unknown): v is (typeof ROLES)[number] {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}
