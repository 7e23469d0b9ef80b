/** The console's two big listings, paged by the hub. */
import { readClients, readRooms, type ClientRow, type RoomRow } from './admin-feed.js';
import { pagedList } from './paged-list.js';

export const clientList = pagedList<ClientRow>('clients', readClients);
export const roomList = pagedList<RoomRow>('rooms', (items) => readRooms(items) ?? []);
