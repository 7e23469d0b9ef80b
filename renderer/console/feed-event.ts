/**
 * A `$admin` event narrowed by its name to its payload (AdminEventMap). The reader is the
 * protocol's (`readAdminEvent`, hub/protocol/admin-readers.ts), the same the SDK's `adminFeed`
 * uses, so every reader after it takes the contract's type.
 */
export { readAdminEvent as feedEvent, type AdminFeedEvent as FeedEvent } from '../../hub/protocol/index.js';
