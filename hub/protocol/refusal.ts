/**
 * A refused credential with its reason as a field, so neither the hub nor a client ever reads
 * meaning out of message text: `GET /api/session` and the upgrade's refusal body both carry it.
 */
import { HubError, type ErrorCode } from './codes.js';
import type { RefusalReason } from './messages.js';

export class CredentialRefusal extends HubError {
  readonly reason: RefusalReason;
  /** When a ban ends (ms). */
  readonly until?: number;
  /** The ban's reason, as the admin gave it. */
  readonly banReason?: string;

  constructor(code: ErrorCode, message: string, reason: RefusalReason, ban?: { until: number; reason: string }) {
    super(code, message);
    this.name = 'CredentialRefusal';
    this.reason = reason;
    if (ban) {
      this.until = ban.until;
      this.banReason = ban.reason;
    }
  }
}

/** The structured fields of a refusal body: `{reason, until?, banReason?}` (empty for other errors). */
export function refusalFields(err: unknown): { reason?: RefusalReason; until?: number; banReason?: string } {
  // A token that fails a claim check is as bad as one that fails its signature.
  if (!(err instanceof CredentialRefusal))
    return err instanceof HubError && err.code === 'unauthorized' ? { reason: 'invalid' } : {};
  return { reason: err.reason, ...(err.until !== undefined ? { until: err.until, banReason: err.banReason } : {}) };
}
