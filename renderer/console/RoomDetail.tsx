/** One room: its members and what each is doing, its rates, and its traffic while inspected. */
import { formatByteRate, formatCount, formatDateTime, formatRate } from '../shared/format.js';
import { Avatar, activityOf } from '../dashboard/PresenceBar.js';
import { useAdmin } from './admin-store.js';
import { navigate } from './console-route.js';
import { peopleOf, useRoomFacts } from './room-members.js';
import { TrafficInspector } from './TrafficInspector.js';

export function RoomDetail({ room }: { room: string }) {
  const row = useAdmin((s) => s.roomRates[room]);
  const { members, memberCount, lastSeq, since, error, membersNext, showMore } = useRoomFacts(room);
  const people = peopleOf(members, (state) =>
    state ? activityOf({ clientId: '', sub: '', name: '', state }) : 'connected',
  );
  return (
    <div className="page room-detail">
      <div className="toolbar">
        <button type="button" className="small ghost" onClick={() => navigate({ page: 'rooms' })}>
          ← Rooms
        </button>
        <h1 className="page-title" data-testid="room-title">
          {room}
        </h1>
      </div>
      <div className="tiles">
        <div className="tile">
          <span className="tile-label">Members</span>
          <span className="tile-value">{formatCount(memberCount ?? row?.clients ?? members.length)}</span>
        </div>
        <div className="tile">
          <span className="tile-label">Messages numbered</span>
          <span className="tile-value">{formatCount(lastSeq)}</span>
        </div>
        <div className="tile">
          <span className="tile-label">Active since</span>
          <span className="tile-value small-value">{formatDateTime(since)}</span>
        </div>
        <div className="tile">
          <span className="tile-label">Messages in / out</span>
          <span className="tile-value">
            {formatRate(row?.messagesInPerSec)} · {formatRate(row?.messagesOutPerSec)}
          </span>
        </div>
        <div className="tile">
          <span className="tile-label">Bytes in / out</span>
          <span className="tile-value">
            {formatByteRate(row?.bytesInPerSec)} · {formatByteRate(row?.bytesOutPerSec)}
          </span>
        </div>
      </div>
      <section className="panel">
        <h2 className="section-title">
          People · {formatCount(people.length)}
          {members.length > people.length ? ` (${formatCount(members.length)} connections)` : ''}
        </h2>
        {error ? <p className="error-text">{error}</p> : null}
        {members.length === 0 && !error ? <p className="muted">Nobody is in this room.</p> : null}
        <ul className="presence-list wide">
          {people.map((p) => (
            <li key={p.sub} className="presence-member" data-testid="room-member" data-sub={p.sub} data-tabs={p.tabs}>
              <Avatar sub={p.sub} name={p.name} />
              <span className="presence-text">
                <span className="presence-name">
                  {p.name} <span className="muted">{p.sub}</span>
                </span>
                <span className="presence-activity">
                  {p.tabs > 1 ? (
                    <span className="tag" data-testid="member-tabs">
                      {p.tabs} tabs
                    </span>
                  ) : null}{' '}
                  {p.activities.join(', ')}
                </span>
              </span>
            </li>
          ))}
        </ul>
        {membersNext ? (
          <button type="button" className="ghost small" data-testid="more-members" onClick={showMore}>
            Show more members ({formatCount(members.length)} of {formatCount(memberCount ?? members.length)} shown)
          </button>
        ) : null}
      </section>
      <TrafficInspector room={room} />
    </div>
  );
}
