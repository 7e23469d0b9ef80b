/** The console's two big listings, paged by the hub. */
import { readClients, readRooms } from './admin-feed.js';
import { pagedList } from './paged-list.js';

export const clientList = pagedList('clients', readClients);
export const roomList = pagedList('rooms', readRooms);
