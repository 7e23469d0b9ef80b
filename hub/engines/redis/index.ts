/** The Redis engine: several hubs behind one Redis act as one hub. */
export { createRedisEngine, RedisEngine } from './engine.js';
export { EngineUnavailableError } from './connection.js';
export type { EngineLogger, RedisEngineOptions } from './options.js';
