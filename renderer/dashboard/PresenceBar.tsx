/** Who else is on this dashboard, one avatar per connection, with what each is doing. */
import type { PresenceMember } from '../../hub/protocol/index.js';
import { avatarColor, initials } from '../shared/avatar-color.js';

export function activityOf(member: PresenceMember): string {
  const { editing, typing } = member.state;
  const parts: string[] = [];
  if (typeof editing === 'string' && editing) parts.push(`editing ${editing}`);
  if (typing === true) parts.push('typing…');
  return parts.length > 0 ? parts.join(', ') : 'viewing';
}

export function Avatar({ sub, name, size = 32 }: { sub: string; name: string; size?: number }) {
  return (
    <span className="avatar" style={{ background: avatarColor(sub), width: size, height: size, fontSize: size * 0.4 }} aria-hidden="true">
      {initials(name || sub)}
    </span>
  );
}

export function PresenceBar({ members, selfId }: { members: PresenceMember[]; selfId: string | undefined }) {
  const sorted = [...members].sort((a, b) => (a.clientId === selfId ? -1 : b.clientId === selfId ? 1 : (a.name || a.sub).localeCompare(b.name || b.sub)));
  return (
    <section className="presence" aria-label="People on this dashboard">
      <h2 className="section-title">Here now · {members.length}</h2>
      <ul className="presence-list">
        {sorted.map((m) => {
          const activity = activityOf(m);
          return (
            <li key={m.clientId} className="presence-member" data-testid="member" data-sub={m.sub} title={`${m.name || m.sub} — ${activity}`}>
              <Avatar sub={m.sub} name={m.name || m.sub} />
              <span className="presence-text">
                <span className="presence-name">
                  {m.name || m.sub}
                  {m.clientId === selfId ? <span className="muted"> (you)</span> : null}
                </span>
                <span className={`presence-activity${m.state.typing === true ? ' typing' : ''}`} data-testid="activity">
                  {activity}
                </span>
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
