/** The console's two big listings, paged by the hub. */
import { asJson } from '../../hub/protocol/index.js';
import { readClients, readRooms } from './admin-feed.js';
import { pagedList } from './paged-list.js';

// The row readers are shared with the feed's snapshot and still take loose JSON.
export const clientList = pagedList('clients', (items) => readClients(asJson(items)));
export const roomList = pagedList('rooms', (items) => readRooms(asJson(items)) ?? []);
