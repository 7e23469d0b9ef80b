/**
 * A room's members as the app sees them: the first page from the subscribe's ack, more pages on
 * request (`members`), and the hub's presence diffs; each change is told to the room's listeners.
 */
import type { ClientMessage, MembersAck, PresenceMember, PresenceMessage, SubscribeAck } from '../protocol/index.js';
import { withRoom, type ClientError } from './errors.js';
import { Listeners } from './listeners.js';
import { isEmptyChange, PresenceView } from './presence.js';
import type { Pending } from './requests.js';
import type { PresenceChange, PresenceListener, Unsubscribe } from './types.js';

/** What the members need of the client: a way to ask for a page, and where to report. */
export interface MembersHost {
  /** Sends a request now, or queues it until a connection is ready (the room's publishes too). */
  submit<M extends ClientMessage>(message: M, handlers: Pending<M>): void;
  reportError(error: ClientError): void;
}

export class RoomMembers {
  private readonly view = new PresenceView();
  private readonly listeners = new Listeners<[PresenceMember[], PresenceChange]>();
  /** The app asked for every member: after a resubscribe the pages are read again. */
  private rosterWanted = false;

  constructor(
    private readonly room: string,
    private readonly host: MembersHost,
    /** The room was left: no more pages are asked for. */
    private readonly isLeft: () => boolean,
  ) {}

  get list(): PresenceMember[] {
    return this.view.members;
  }

  get count(): number {
    return this.view.count;
  }

  get complete(): boolean {
    return this.view.complete;
  }

  onChange(fn: PresenceListener): Unsubscribe {
    return this.listeners.add(fn);
  }

  async load(pages = Infinity): Promise<PresenceMember[]> {
    // The hub sends every change only to who asked for the roster: after a resubscribe, ask again.
    if (pages === Infinity) this.rosterWanted = true;
    for (let n = 0; n < pages && !this.view.complete && !this.isLeft(); n++) {
      const cursor = this.view.next!;
      const page = await new Promise<MembersAck>((resolve, reject) => {
        this.host.submit(
          { type: 'members', room: this.room, cursor },
          { onAnswer: resolve, onFailure: (err) => reject(withRoom(err, this.room)) },
        );
      });
      // A resubscribe meanwhile restarted the paging from its own ack.
      if (this.view.next !== cursor) continue;
      this.announce(this.view.addPage(page.members, page.next));
    }
    return this.view.members;
  }

  /** A diff from the hub. */
  apply(msg: PresenceMessage): void {
    this.announce(this.view.apply(msg));
  }

  /** A subscribe's ack: its first page replaces what was known (announce the change when the room is ready to). */
  replace(ack: SubscribeAck): PresenceChange {
    return this.view.replace(ack);
  }

  announce(change: PresenceChange): void {
    if (!isEmptyChange(change)) this.listeners.emit(this.view.members, change);
  }

  /** After a resubscribe: read every page again if the app asked for every member. */
  reloadIfWanted(): void {
    if (this.rosterWanted && !this.view.complete) this.load().catch((err: ClientError) => this.host.reportError(err));
  }
}
