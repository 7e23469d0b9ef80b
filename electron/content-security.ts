/**
 * The console's Content-Security-Policy inside the desktop app: scripts and styles only from the
 * app's own files, no inline code, no frames, no plugins; network only to the hub it is paired
 * with. Sent as a response header by the app protocol, so the page cannot loosen it.
 */

/** The origins a hub endpoint needs in `connect-src`: its REST origin and its WebSocket origin. */
export function hubOrigins(endpoint: { url: string; wsUrl: string } | undefined): string[] {
  if (!endpoint) return [];
  return [new URL(endpoint.url).origin, new URL(endpoint.wsUrl).origin];
}

export function contentSecurityPolicy(endpoint: { url: string; wsUrl: string } | undefined): string {
  const connect = ["'self'", ...hubOrigins(endpoint)];
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
