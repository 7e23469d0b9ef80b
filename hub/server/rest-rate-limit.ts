/** Token buckets by key for REST calls that cost the hub work (shared with the core's byte rate). */
export { KeyedRateLimit } from '../core/limits.js';
