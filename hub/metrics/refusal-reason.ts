/**
 * A short, bounded label for why an upgrade was refused. Refusal messages carry details (ban end
 * times, claim names) that must not become label values, so each maps to one of a fixed set.
 */

export interface RefusalLike {
  status: number;
  code: string;
  message: string;
}

const REASONS: Array<[RegExp, string]> = [
  [/^no WebSocket endpoint/, 'path'],
  [/^host not allowed/, 'host'],
  [/^origin not allowed/, 'origin'],
  [/shutting down/, 'draining'],
  [/query string/, 'query_token'],
  [/^subprotocol/, 'subprotocol'],
  [/^token missing/, 'token_missing'],
  [/^token expired/, 'token_expired'],
  [/^token revoked/, 'token_revoked'],
  [/^token /, 'token_invalid'],
  [/^banned/, 'banned'],
  [/^invite used up/, 'invite_used_up'],
  [/^an invite link is redeemed/, 'invite_not_redeemed'],
  [/^the invite this token was redeemed from was revoked/, 'token_revoked'],
  [/^hub connection limit/, 'hub_limit'],
  [/connections for this user/, 'user_limit'],
  [/connections from this address/, 'ip_limit'],
];

export function refusalReason(refusal: RefusalLike): string {
  for (const [pattern, reason] of REASONS) if (pattern.test(refusal.message)) return reason;
  return refusal.code;
}
