/**
 * The Lua scripts: each one is a single atomic step in Redis, so several hubs can act on the same
 * room at once without locks. Run by sha, with the source sent again after Redis lost its cache.
 */
import { createHash } from 'node:crypto';

export class LuaScript {
  readonly sha: string;
  constructor(
    readonly name: string,
    readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

/** Sends a command and answers with its reply (the engine's command connection). */
export type SendCommand = (args: string[]) => Promise<unknown>;

/**
 * Runs scripts by sha. A script is loaded once per connection before its first use, and every call
 * waits on that same load, so calls leave in the order they were made: a client's pipelined
 * publishes keep their order even on a fresh or restarted Redis.
 */
export class ScriptRunner {
  private readonly loads = new Map<string, Promise<void>>();

  constructor(private readonly send: SendCommand) {}

  /** Redis may have lost its script cache (a new connection may mean a restarted server). */
  forget(): void {
    this.loads.clear();
  }

  async run(script: LuaScript, keys: string[], args: Array<string | number>): Promise<unknown> {
    let load = this.loads.get(script.sha);
    if (!load) {
      load = this.send(['SCRIPT', 'LOAD', script.source]).then(() => undefined);
      this.loads.set(script.sha, load);
      load.catch(() => this.loads.get(script.sha) === load && this.loads.delete(script.sha));
    }
    await load;
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    try {
      return await this.send(['EVALSHA', script.sha, ...tail]);
    } catch (err) {
      // Flushed behind our back (SCRIPT FLUSH, or a restart between load and call): send the source.
      if (!(err instanceof Error && err.message.startsWith('NOSCRIPT'))) throw err;
      this.loads.delete(script.sha);
      return this.send(['EVAL', script.source, ...tail]);
    }
  }
}

/**
 * Sequence, store and announce one message, unless its key was already stored.
 * KEYS: meta, log, keys. ARGV: feed channel, epoch if the room starts now, body, max entries,
 * log ttl ms, meta ttl ms, publish key (publishKeyId, '' for none). Returns {epoch, seq, duplicate}.
 * A room whose epoch is new starts an empty log and key set, so stale entries never mix with it.
 * The key check and the store are one step: two hubs retrying the same key store it once.
 */
export const PUBLISH = new LuaScript(
  'publish',
  `
if redis.call('HSETNX', KEYS[1], 'epoch', ARGV[2]) == 1 then redis.call('DEL', KEYS[2], KEYS[3]) end
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if ARGV[7] ~= '' then
  local prior = redis.call('ZSCORE', KEYS[3], ARGV[7])
  if prior then return {epoch, tonumber(prior), 1} end
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], seq .. '-0', 'm', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
if ARGV[7] ~= '' then
  redis.call('ZADD', KEYS[3], seq, ARGV[7])
  -- Keys are remembered as long as their message can be in history (the count bound).
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. (seq - tonumber(ARGV[4]) + 1))
  redis.call('PEXPIRE', KEYS[3], ARGV[5])
end
redis.call('PUBLISH', ARGV[1], 'm' .. seq .. ' ' .. epoch .. ' ' .. ARGV[3])
return {epoch, seq, 0}
`,
);

/**
 * The room's position and its newest stored entries between two ids (one consistent read).
 * KEYS: meta, log, keys. ARGV: epoch if the room starts now, meta ttl ms, first id or '' for none,
 * last id, count. Returns {epoch, seq, entries newest first}.
 */
export const READ = new LuaScript(
  'read',
  `
if redis.call('HSETNX', KEYS[1], 'epoch', ARGV[1]) == 1 then
  redis.call('DEL', KEYS[2], KEYS[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
local epoch = redis.call('HGET', KEYS[1], 'epoch')
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
local entries = {}
if ARGV[3] ~= '' then entries = redis.call('XREVRANGE', KEYS[2], ARGV[4], ARGV[3], 'COUNT', ARGV[5]) end
return {epoch, seq, entries}
`,
);

/**
 * Presence frames on a room's feed: 'p' + kind (j joined, u updated, l left) + JSON array of members.
 * Member hash values are '<nodeId> <member JSON>' so a dead node's entries can be found and removed.
 */

/** KEYS: room members, node members. ARGV: clientId, nodeId, member JSON, feed channel, room. */
export const PRESENCE_SET = new LuaScript(
  'presence-set',
  `
local value = ARGV[2] .. ' ' .. ARGV[3]
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old == value then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], value)
redis.call('SADD', KEYS[2], ARGV[5] .. ' ' .. ARGV[1])
local kind = 'j'
if old then kind = 'u' end
redis.call('PUBLISH', ARGV[4], 'p' .. kind .. '[' .. ARGV[3] .. ']')
return 1
`,
);

/** KEYS: room members. ARGV: clientId, feed channel, room, key prefix. */
export const PRESENCE_REMOVE = new LuaScript(
  'presence-remove',
  `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
local sp = string.find(old, ' ', 1, true)
local node = string.sub(old, 1, sp - 1)
redis.call('SREM', ARGV[4] .. 'node:' .. node .. ':members', ARGV[3] .. ' ' .. ARGV[1])
redis.call('PUBLISH', ARGV[2], 'pl[' .. string.sub(old, sp + 1) .. ']')
return 1
`,
);

/** Shared by the sweep and the self-clear: remove a node's members and announce them as left. */
const CLEAR_NODE = `
local function clearNode(prefix, node)
  local setKey = prefix .. 'node:' .. node .. ':members'
  local entries = redis.call('SMEMBERS', setKey)
  local byRoom, rooms, owner = {}, {}, node .. ' '
  for _, entry in ipairs(entries) do
    local sp = string.find(entry, ' ', 1, true)
    local room = string.sub(entry, 1, sp - 1)
    local clientId = string.sub(entry, sp + 1)
    local hkey = prefix .. '{' .. room .. '}:members'
    local v = redis.call('HGET', hkey, clientId)
    if v and string.sub(v, 1, #owner) == owner then
      redis.call('HDEL', hkey, clientId)
      if not byRoom[room] then byRoom[room] = {}; table.insert(rooms, room) end
      table.insert(byRoom[room], string.sub(v, #owner + 1))
    end
  end
  for _, room in ipairs(rooms) do
    redis.call('PUBLISH', prefix .. 'feed:' .. room, 'pl[' .. table.concat(byRoom[room], ',') .. ']')
  end
  redis.call('DEL', setKey)
  return #entries
end
`;

/**
 * Remove the members of every registered node whose liveness key has expired; the first live node
 * to run it does the work, the others find nothing. KEYS: nodes. ARGV: prefix, own nodeId.
 * Returns the ids of the nodes removed.
 */
export const SWEEP_DEAD_NODES = new LuaScript(
  'sweep-dead-nodes',
  `${CLEAR_NODE}
local removed = {}
for _, node in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if node ~= ARGV[2] and redis.call('EXISTS', ARGV[1] .. 'node:' .. node .. ':alive') == 0 then
    clearNode(ARGV[1], node)
    redis.call('ZREM', KEYS[1], node)
    table.insert(removed, node)
  end
end
return removed
`,
);

/** Remove this node's own members (leftovers of a previous run, or a clean shutdown). ARGV: prefix, nodeId. */
export const CLEAR_OWN_NODE = new LuaScript(
  'clear-own-node',
  `${CLEAR_NODE}
return clearNode(ARGV[1], ARGV[2])
`,
);

/**
 * Refresh this node's liveness. KEYS: alive, nodes. ARGV: ttl ms, nodeId, now.
 * Returns 1 when the key still existed, 0 when it was gone (expired, or Redis lost its data).
 */
export const HEARTBEAT = new LuaScript(
  'heartbeat',
  `
local existed = redis.call('EXISTS', KEYS[1])
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
return existed
`,
);

/**
 * Put back this node's members where Redis lost or missed them. KEYS: node members.
 * ARGV: prefix, nodeId, then triples room, clientId, member JSON. Announces each change.
 */
export const RESTORE_MEMBERS = new LuaScript(
  'restore-members',
  `
local changed = 0
for i = 3, #ARGV, 3 do
  local room, clientId, member = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local hkey, value = ARGV[1] .. '{' .. room .. '}:members', ARGV[2] .. ' ' .. member
  local old = redis.call('HGET', hkey, clientId)
  if old ~= value then
    redis.call('HSET', hkey, clientId, value)
    redis.call('SADD', KEYS[1], room .. ' ' .. clientId)
    local kind = 'j'
    if old then kind = 'u' end
    redis.call('PUBLISH', ARGV[1] .. 'feed:' .. room, 'p' .. kind .. '[' .. member .. ']')
    changed = changed + 1
  end
end
return changed
`,
);

/** KEYS: record, index. ARGV: by, ttl ms (0: none), now, record key. Returns the new count. */
export const RECORD_INCREMENT = new LuaScript(
  'record-increment',
  `
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if tonumber(ARGV[2]) > 0 and redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
local ttl = redis.call('PTTL', KEYS[1])
local score = '+inf'
if ttl > 0 then score = tonumber(ARGV[3]) + ttl end
redis.call('ZADD', KEYS[2], score, ARGV[4])
return n
`,
);

/** KEYS: record, index. ARGV: value JSON, ttl ms (0: none), expiry score, record key. */
export const RECORD_PUT = new LuaScript(
  'record-put',
  `
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) else redis.call('SET', KEYS[1], ARGV[1]) end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 1
`,
);

/** KEYS: record, index. ARGV: record key. */
export const RECORD_DELETE = new LuaScript(
  'record-delete',
  `
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`,
);
