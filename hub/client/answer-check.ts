/**
 * The one place where a frame from the wire becomes the typed answer to a request. The tracker
 * knows which message it sent under each id; before the answer reaches whoever asked, it is held
 * against that message: a `pong` for `ping`, an `ack` for anything else, with the fields the SDK
 * reads (AnswerMap) of the right kind. Fields the SDK never reads are not checked.
 */
import type { AckMessage, AnswerFor, ClientMessage, PongMessage } from '../protocol/index.js';
import { ClientError } from './errors.js';

/** An answer as parsed: only its `type` is known to hold, the rest is the hub's word. */
export type WireAnswer = AckMessage | PongMessage;

type Check = (value: unknown) => boolean;

const isString: Check = (v) => typeof v === 'string';
const isNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const isBoolean: Check = (v) => typeof v === 'boolean';
const isArray: Check = (v) => Array.isArray(v);
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);
/** Members are kept by `clientId`: each must have one. */
const isMembers: Check = (v) =>
  Array.isArray(v) && v.every((m: unknown) => typeof m === 'object' && m !== null && isString(field(m, 'clientId')));

/** The fields each request's answer must carry (beside `type` and `id`), by the request's type. */
const ANSWER_FIELDS: { [T in ClientMessage['type']]: Readonly<Record<string, Check>> } = {
  subscribe: {
    epoch: isString,
    seq: isNumber,
    members: isMembers,
    memberCount: isNumber,
    membersNext: optional(isString),
    recovered: optional(isBoolean),
  },
  members: { members: isMembers, next: optional(isString) },
  publish: { epoch: isString, seq: isNumber, duplicate: optional(isBoolean) },
  history: { epoch: isString, seq: isNumber, messages: isArray, more: optional(isBoolean) },
  auth: { expiresAt: isNumber },
  unsubscribe: {},
  presence: {},
  // Each action answers with its own fields (AdminAnswerMap): the SDK reads none of them.
  admin: {},
  ping: { time: isNumber },
};

function field(frame: object, key: string): unknown {
  return Reflect.get(frame, key);
}

/** What is wrong with `frame` as the answer to `request`; undefined when nothing is. */
export function answerProblem(request: ClientMessage, frame: WireAnswer): string | undefined {
  const expected = request.type === 'ping' ? 'pong' : 'ack';
  if (frame.type !== expected) return `a ${frame.type} where ${expected === 'ack' ? 'an' : 'a'} ${expected} belongs`;
  const wrong = Object.entries(ANSWER_FIELDS[request.type])
    .filter(([key, check]) => !check(field(frame, key)))
    .map(([key]) => key);
  return wrong.length === 0 ? undefined : `${wrong.join(', ')} missing or of the wrong kind`;
}

/** The justified narrowing: `frame` answers `request` once answerProblem found nothing wrong. */
export function answersRequest<M extends ClientMessage>(
  request: M,
  frame: WireAnswer,
): frame is WireAnswer & AnswerFor<M> {
  return answerProblem(request, frame) === undefined;
}

/** The failure a request gets instead of an answer that does not fit it. */
export function badAnswer(request: ClientMessage, frame: WireAnswer): ClientError {
  const problem = answerProblem(request, frame) ?? 'unexpected';
  return new ClientError('bad_answer', `the hub's answer to ${request.type} does not fit it: ${problem}`);
}
