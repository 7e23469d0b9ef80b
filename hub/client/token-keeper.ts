/**
 * The client's tokens: the one each connection opens with (asked of the app before every attempt),
 * an in-band refresh before it expires, and a renewal after a rejection (4001, HTTP 401) that only
 * counts when the app has a different token to give.
 */
import { ClientError } from './errors.js';
import { messageOf } from './server-frames.js';

export class TokenKeeper {
  /** The token the current (or last) connection was opened with. */
  private current: string | undefined;
  /** A token fetched after a 4001, to be used by the next attempt instead of asking again. */
  private fresh: string | undefined;

  constructor(
    private readonly getToken: () => string | Promise<string>,
    private readonly report: (error: ClientError) => void,
  ) {}

  /** The token for the next attempt, or null (reported) when the app gave none. */
  async forAttempt(): Promise<string | null> {
    try {
      const token = this.fresh ?? (await this.getToken());
      if (typeof token !== 'string' || token.length === 0) throw new Error('getToken gave no token');
      return token;
    } catch (err) {
      this.report(unavailable(err));
      return null;
    } finally {
      this.fresh = undefined;
    }
  }

  /** A connection is being opened with `token` (or was refreshed to it). */
  use(token: string): void {
    this.current = token;
  }

  /** A new token to refresh the connection with in band, or null (reported) when the app has none. */
  async forRefresh(): Promise<string | null> {
    let token: string;
    try {
      token = await this.getToken();
    } catch (err) {
      this.report(unavailable(err));
      return null;
    }
    if (token === this.current) {
      this.report(new ClientError('token_unavailable', 'getToken gave back the token that is expiring'));
      return null;
    }
    return token;
  }

  /** After a rejection: a different token for the next attempt, or why there is none. */
  async renewal(): Promise<{ token: string } | { none: string }> {
    let token: string;
    try {
      token = await this.getToken();
    } catch (err) {
      this.report(unavailable(err));
      return { none: 'no new one' };
    }
    return token === this.current ? { none: 'getToken gave the same one' } : { token };
  }

  /** The renewal's token: the next attempt opens with it instead of asking the app again. */
  renewWith(token: string): void {
    this.fresh = token;
  }
}

function unavailable(err: unknown): ClientError {
  return new ClientError('token_unavailable', `getToken failed: ${messageOf(err)}`);
}
