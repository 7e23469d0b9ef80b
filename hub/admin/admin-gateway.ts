/**
 * The core's door to the admin service: `$admin` subscriptions and `admin` messages from
 * WebSocket sessions. The snapshot follows the subscribe's ack (a client drops room events that
 * arrive before it), so it is sent on the next turn, after the ack has been queued.
 */
import { ADMIN_ROOM, type AdminMessage } from '../protocol/index.js';
import type { AdminGateway } from '../core/core-types.js';
import type { Session } from '../core/session.js';
import { ADMIN_EPOCH, type AdminFeed } from './admin-feed.js';
import type { Actor, AdminService } from './admin-service.js';
import type { TrafficInspector } from './traffic-inspector.js';

export function actorOf(session: Session): Actor {
  const { sub, name, role } = session.user;
  return { sub, name, role, ip: session.ip, via: 'ws', clientId: session.id };
}

export function createAdminGateway(service: AdminService, feed: AdminFeed, inspector: TrafficInspector): AdminGateway {
  return {
    async subscribe(session) {
      setImmediate(() => {
        // Outside the request: a failure here is reported on the session's hub, never thrown out of the timer.
        try {
          if (session.isOpen && session.inRoom(ADMIN_ROOM)) feed.sendTo(session, 'snapshot', service.snapshot());
        } catch (err) {
          service.reportCallbackError('admin_snapshot', err);
        }
      });
      return { epoch: ADMIN_EPOCH, seq: 0, members: [], memberCount: 0 };
    },

    unsubscribe() {
      // The core has not removed the session yet; it does right after this returns.
      setImmediate(() => {
        if (!feed.watched) inspector.clear();
      });
    },

    async handle(session, msg: AdminMessage) {
      return await service.perform(msg.action, msg, actorOf(session));
    },

    denied(session, attempt) {
      const { sub, name } = session.user;
      const message = attempt === 'subscribe' ? `not allowed to join ${ADMIN_ROOM}` : 'admin role required';
      service.denied({ ip: session.ip, via: 'ws', sub, name, clientId: session.id }, attempt, message);
    },
  };
}
