/**
 * The `list` action: the read-only listings behind the console's pages and the REST GET routes,
 * one reader per `what`, each answering its entry of `AdminListAnswerMap`.
 */
import {
  ADMIN_ROOM,
  HubError,
  isValidRoomName,
  type AdminAnswerMap,
  type AdminListAnswerMap,
  type AdminListing,
  type RoomDetail,
} from '../protocol/index.js';
import type { ExtensionHost } from '../core/extension-host.js';
import type { BanList } from '../auth/bans.js';
import type { AuditLog } from './audit-log.js';
import type { ClientDirectory } from './client-directory.js';
import type { ClusterView } from './cluster.js';
import type { Invites } from './invites.js';
import {
  optionalString,
  parseAuditQuery,
  parseClientCursor,
  parsePage,
  requiredString,
  type Params,
} from './admin-params.js';

export interface ListingParts {
  core: ExtensionHost;
  bans: BanList;
  audit: AuditLog;
  directory: ClientDirectory;
  invites: Invites;
  cluster: ClusterView;
}

type Listings = { [W in AdminListing]: (params: Params) => Promise<AdminListAnswerMap[W]> };

const ROOM_MEMBERS_SHOWN = 200;

export class AdminListings {
  private readonly readers: Listings;

  constructor(private readonly parts: ListingParts) {
    const { directory, bans, invites, audit } = parts;
    this.readers = {
      clients: async (params) => {
        const { limit, cursor } = parsePage(params);
        const room = optionalString(params, 'room', 128);
        if (room !== undefined && !isValidRoomName(room))
          throw new HubError('bad_request', '"room" must be a room name');
        const filter = { room, user: optionalString(params, 'user', 128), text: optionalString(params, 'text', 128) };
        // Other hubs' clients (shared engine) follow this hub's, with the same filters and paging.
        const remote = await parts.cluster.remoteClients();
        return directory.clients(filter, limit, parseClientCursor(cursor), remote);
      },
      rooms: async (params) => {
        const { limit, cursor } = parsePage(params);
        const filter = { user: optionalString(params, 'user', 128), text: optionalString(params, 'text', 128) };
        return directory.rooms(filter, limit, cursor);
      },
      room: (params) => this.room(requiredString(params, 'room', 128), params.cursor),
      bans: async () => ({ items: await bans.list() }),
      invites: async () => ({ items: await invites.list() }),
      audit: async (params) => audit.page(parseAuditQuery(params)),
    };
  }

  list(params: Params): Promise<AdminAnswerMap['list']> {
    const what = requiredString(params, 'what', 16);
    if (!this.isListing(what))
      throw new HubError('bad_request', '"what" must be clients, rooms, room, bans, invites or audit');
    return this.readers[what](params);
  }

  private isListing(what: string): what is AdminListing {
    return Object.hasOwn(this.readers, what);
  }

  /** The room with a page of its members: by `cursor` (`membersNext`) where this hub keeps the roster. */
  private async room(room: string, cursor: unknown): Promise<RoomDetail> {
    if (!isValidRoomName(room) || room === ADMIN_ROOM) throw new HubError('bad_request', '"room" must be a room name');
    const { core, directory } = this.parts;
    const summary = directory.summarizeRoom(room);
    const history = await core.engine.history(room);
    if (summary.clients === 0 && history.position.seq === 0) throw new HubError('not_found', `no room ${room}`);
    if (cursor !== undefined && typeof cursor !== 'string')
      throw new HubError('bad_request', '"cursor" must be a membersNext string');
    if (core.registry.has(room)) {
      const page = core.engine.presencePage(room, cursor);
      return {
        ...summary,
        position: history.position,
        memberCount: page.count,
        members: page.members,
        ...(page.next ? { membersNext: page.next } : {}),
      };
    }
    // No member on this hub (others hold them, with Redis): the shared list, cut.
    const members = await core.engine.presenceList(room);
    return {
      ...summary,
      position: history.position,
      memberCount: members.length,
      members: members.slice(0, ROOM_MEMBERS_SHOWN),
    };
  }
}
