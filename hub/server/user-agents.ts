/**
 * A connection keeps its user agent (first 256 characters) for the console. Most connections
 * send one of a handful of agents, so one string is kept per distinct agent rather than each
 * request's own copy (a browser's is 100–200 bytes, kept for the life of the connection).
 */
const MAX_LENGTH = 256;
const CACHE_LIMIT = 1000;
const agents = new Map<string, string>();

export function sharedUserAgent(header: string | string[] | undefined): string {
  const agent = String(header ?? '').slice(0, MAX_LENGTH);
  const known = agents.get(agent);
  if (known !== undefined) return known;
  // Past the limit (many distinct agents: not a browser crowd) start over rather than grow.
  if (agents.size >= CACHE_LIMIT) agents.clear();
  agents.set(agent, agent);
  return agent;
}
