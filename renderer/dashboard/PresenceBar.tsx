/**
 * Who else is on this dashboard. In a big room it shows the count and the people that matter —
 * you, whoever is editing or typing, and a few viewers — never thousands of avatars.
 */
import type { PresenceMember } from '../../hub/protocol/index.js';
import { avatarColor, initials } from '../shared/avatar-color.js';

/** Viewers shown besides you and the active people; the rest are a number. */
export const VIEWERS_SHOWN = 5;
/** Active people (editing, typing) shown at most. */
export const ACTIVE_SHOWN = 20;

export function activityOf(member: PresenceMember): string {
  const { editing, typing } = member.state;
  const parts: string[] = [];
  if (typeof editing === 'string' && editing) parts.push(`editing ${editing}`);
  if (typing === true) parts.push('typing…');
  return parts.length > 0 ? parts.join(', ') : 'viewing';
}

function isActive(m: PresenceMember): boolean {
  return m.state.typing === true || (typeof m.state.editing === 'string' && m.state.editing.length > 0);
}

export function Avatar({ sub, name, size = 32 }: { sub: string; name: string; size?: number }) {
  return (
    <span
      className="avatar"
      style={{ background: avatarColor(sub), width: size, height: size, fontSize: size * 0.4 }}
      aria-hidden="true"
    >
      {initials(name || sub)}
    </span>
  );
}

const byName = (a: PresenceMember, b: PresenceMember) => (a.name || a.sub).localeCompare(b.name || b.sub);

/** You first, then the active people, then a few viewers: what the bar lists. */
export function peopleThatMatter(members: readonly PresenceMember[], selfId: string | undefined): PresenceMember[] {
  const self = members.filter((m) => m.clientId === selfId);
  const others = members.filter((m) => m.clientId !== selfId);
  const active = others.filter(isActive).sort(byName).slice(0, ACTIVE_SHOWN);
  // Viewers: a stable few by name, found without sorting all of a big room.
  const viewers: PresenceMember[] = [];
  for (const m of others) {
    if (isActive(m)) continue;
    viewers.push(m);
    viewers.sort(byName);
    if (viewers.length > VIEWERS_SHOWN) viewers.pop();
  }
  return [...self, ...active, ...viewers];
}

/** One person: their busiest tab stands for them (editing or typing over viewing), with the tab count. */
export interface PresencePerson extends PresenceMember {
  tabs: number;
  isSelf: boolean;
}

export function personsOf(members: readonly PresenceMember[], selfId: string | undefined): PresencePerson[] {
  const bySub = new Map<string, PresencePerson>();
  for (const m of members) {
    const known = bySub.get(m.sub);
    const isSelf = m.clientId === selfId || (known?.isSelf ?? false);
    const tabs = (known?.tabs ?? 0) + 1;
    const lead = known && (isActive(known) || !isActive(m)) ? known : m;
    bySub.set(m.sub, { ...lead, tabs, isSelf });
  }
  return [...bySub.values()];
}

/** `count`: connections in the room (exact, from the hub); `members`: those this client knows. One row per person. */
export function PresenceBar({
  members,
  selfId,
  count,
}: {
  members: PresenceMember[];
  selfId: string | undefined;
  count?: number;
}) {
  const total = Math.max(count ?? members.length, members.length);
  const persons = personsOf(members, selfId);
  const self = persons.find((p) => p.isSelf);
  const shown = peopleThatMatter(persons, self?.clientId) as PresencePerson[];
  // Everyone known: count people; a big room known in part: the hub's count of connections.
  const heading = members.length >= total ? persons.length : total;
  const more = heading - (members.length >= total ? shown.length : shown.reduce((n, p) => n + p.tabs, 0));
  return (
    <section className="presence" aria-label="People on this dashboard">
      <h2 className="section-title">Here now · {heading.toLocaleString('en')}</h2>
      <ul className="presence-list">
        {shown.map((m) => {
          const activity = activityOf(m);
          return (
            <li
              key={m.sub}
              className="presence-member"
              data-testid="member"
              data-sub={m.sub}
              data-tabs={m.tabs}
              title={`${m.name || m.sub} — ${activity}`}
            >
              <Avatar sub={m.sub} name={m.name || m.sub} />
              <span className="presence-text">
                <span className="presence-name">
                  {m.name || m.sub}
                  {m.isSelf ? <span className="muted"> (you)</span> : null}
                </span>
                <span className={`presence-activity${m.state.typing === true ? ' typing' : ''}`} data-testid="activity">
                  {activity}
                  {m.tabs > 1 ? <span className="muted"> · {m.tabs} tabs</span> : null}
                </span>
              </span>
            </li>
          );
        })}
      </ul>
      {more > 0 ? (
        <p className="presence-more muted" data-testid="presence-more">
          and {more.toLocaleString('en')} more viewing
        </p>
      ) : null}
    </section>
  );
}
