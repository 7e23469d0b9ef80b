/**
 * Strings a connection keeps for its life, one copy per distinct value: its user agent (first
 * 256 characters, for the console; a browser's is 100–200 bytes and most connections send one of
 * a handful) and its peer address (per-address limits, the console, the audit log).
 */
const MAX_LENGTH = 256;
const CACHE_LIMIT = 1000;
const agents = new Map<string, string>();
const addresses = new Map<string, string>();

export function sharedUserAgent(header: string | string[] | undefined): string {
  return shared(agents, String(header ?? '').slice(0, MAX_LENGTH));
}

/** The same for peer addresses: a LAN's connections come from a few hundred addresses at most. */
export function sharedAddress(ip: string): string {
  return shared(addresses, ip);
}

function shared(pool: Map<string, string>, text: string): string {
  const known = pool.get(text);
  if (known !== undefined) return known;
  // Past the limit (many distinct values: not an office) start over rather than grow.
  if (pool.size >= CACHE_LIMIT) pool.clear();
  pool.set(text, text);
  return text;
}
