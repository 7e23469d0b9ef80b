/**
 * A room's fate, owned by the SDK: one state value (joining, joined, retrying, failed, left), the
 * promise of the current join's answer, and the retry timer for subscribes refused for a reason
 * that can pass. The room decides when to subscribe; this only keeps the state honest.
 */
import type { ResumeFailure, SubscribeAck } from '../protocol/index.js';
import { Backoff } from './backoff.js';
import type { ClientError, ClientErrorCode } from './errors.js';
import { Listeners } from './listeners.js';
import type { BackoffOptions, JoinAnswer, RoomState } from './types.js';

/** Subscribe errors that say "not now" rather than "never": the SDK keeps trying. */
const PASSING = new Set<ClientErrorCode>([
  'timeout',
  'internal',
  'unavailable',
  'conflict',
  'rate_limited',
  'outcome_unknown',
]);

/** Whether a subscribe refused with this code is worth trying again (the rest fail the room). */
export function isPassing(code: ClientErrorCode): boolean {
  return PASSING.has(code);
}

const noop = (): void => undefined;

interface Deferred {
  promise: Promise<JoinAnswer>;
  resolve(answer: JoinAnswer): void;
  reject(error: ClientError): void;
}

function deferred(): Deferred {
  let resolve!: (answer: JoinAnswer) => void;
  let reject!: (error: ClientError) => void;
  const promise = new Promise<JoinAnswer>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A rejection nobody awaits must not end the host process (an unhandled rejection would).
  promise.catch(noop);
  return { promise, resolve, reject };
}

function settled(outcome: { answer: JoinAnswer } | { error: ClientError }): Promise<JoinAnswer> {
  const promise = 'answer' in outcome ? Promise.resolve(outcome.answer) : Promise.reject(outcome.error);
  promise.catch(noop);
  return promise;
}

export class RoomJoin {
  private current: RoomState = { status: 'joining' };
  private readonly listeners = new Listeners<[RoomState]>();
  private readonly answerListeners = new Listeners<[JoinAnswer]>();
  private readonly backoff: Backoff;
  private waiting: Deferred | undefined;
  private settledPromise: Promise<JoinAnswer> | undefined;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(backoff: BackoffOptions | undefined) {
    this.backoff = new Backoff({ ...backoff, maxAttempts: Infinity });
  }

  get state(): RoomState {
    return this.current;
  }

  /** The latest join's answer, while joined; null otherwise. */
  get answer(): JoinAnswer | null {
    return this.current.status === 'joined' ? this.current.answer : null;
  }

  /** The current join's answer: at once when joined, after the next ack otherwise; rejects on failure. */
  get joined(): Promise<JoinAnswer> {
    if (this.current.status === 'joined' || this.current.status === 'failed' || this.current.status === 'left') {
      return (this.settledPromise ??= settled(
        this.current.status === 'joined' ? { answer: this.current.answer } : { error: this.current.error },
      ));
    }
    return (this.waiting ??= deferred()).promise;
  }

  onState(fn: (state: RoomState) => void): () => void {
    return this.listeners.add(fn);
  }

  onAnswer(fn: (answer: JoinAnswer) => void): () => void {
    return this.answerListeners.add(fn);
  }

  get isOver(): boolean {
    return this.current.status === 'failed' || this.current.status === 'left';
  }

  get isRetrying(): boolean {
    return this.current.status === 'retrying';
  }

  /** A subscribe is going out (first join, rejoin after a reconnect, or a resync). */
  joining(): void {
    if (this.isOver || this.current.status === 'joining') return;
    this.cancelRetry();
    this.set({ status: 'joining' });
  }

  /** The join was answered, history included. */
  answered(answer: JoinAnswer): void {
    if (this.isOver) return;
    this.attempt = 0;
    this.set({ status: 'joined', answer });
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(answer);
    this.answerListeners.emit(answer);
  }

  /** Refused for a passing reason: try again after a backoff delay (`again` is the new attempt). */
  retryLater(error: ClientError, again: () => void): void {
    if (this.isOver) return;
    this.cancelRetry();
    this.attempt += 1;
    const inMs = this.backoff.delay(this.attempt) ?? this.backoff.capMs;
    this.set({ status: 'retrying', inMs, attempt: this.attempt, error });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      again();
    }, inMs);
  }

  /** Refused for good (forbidden, not_found, bad_request …), or the app left the room. */
  end(state: Extract<RoomState, { status: 'failed' | 'left' }>): void {
    if (this.isOver) return;
    this.cancelRetry();
    this.set(state);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(state.error);
  }

  /** Waiting out a retry delay: try now instead (the hub said its engine is back). */
  retryNow(again: () => void): void {
    if (this.current.status !== 'retrying') return;
    this.cancelRetry();
    again();
  }

  cancelRetry(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private set(next: RoomState): void {
    this.current = next;
    this.settledPromise = undefined;
    this.listeners.emit(next);
  }
}

/** The join's answer, from the subscribe's ack (its `history` filled in once the replay is in). */
export function joinAnswer(room: string, ack: SubscribeAck, reset: ResumeFailure | undefined): JoinAnswer {
  const answer: JoinAnswer = {
    room,
    epoch: ack.epoch,
    seq: ack.seq,
    members: ack.members,
    memberCount: ack.memberCount,
    recovered: reset === undefined && ack.recovered !== false,
    history: [],
  };
  if (ack.membersNext !== undefined) answer.membersNext = ack.membersNext;
  if (reset) answer.reason = reset;
  return answer;
}
