/** Switch between the dashboards this token opens, or name one under a room pattern. */
import { useState, type FormEvent } from 'react';
import { isValidRoomName } from '../../hub/protocol/index.js';
import { allowedBy, type DashboardChoices } from './dashboard-rooms.js';

export function DashboardPicker({
  choices,
  current,
  onOpen,
}: {
  choices: DashboardChoices;
  current: string | null;
  onOpen(room: string): void;
}) {
  const [name, setName] = useState(choices.patterns[0]?.replace(/\*$/, '') ?? '');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const room = name.trim();
    if (!isValidRoomName(room) || room.startsWith('$')) return setError('Room names are letters, digits and _ . : @ -');
    if (!allowedBy(choices.patterns, room)) return setError(`This link opens only ${choices.patterns.join(', ')}`);
    setError(null);
    onOpen(room);
  };
  return (
    <nav className="dashboard-picker" aria-label="Dashboards">
      {choices.rooms.map((r) => (
        <button
          key={r}
          type="button"
          className={`tab${r === current ? ' active' : ''}`}
          aria-current={r === current ? 'page' : undefined}
          onClick={() => onOpen(r)}
        >
          {r}
        </button>
      ))}
      {choices.patterns.length > 0 ? (
        <form className="inline-form" onSubmit={submit}>
          <label htmlFor="dashboard-room" className="sr-only">
            Dashboard room
          </label>
          <input
            id="dashboard-room"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="dashboard:42"
            spellCheck={false}
          />
          <button type="submit" className="small">
            Open
          </button>
          {error ? <span className="error-text">{error}</span> : null}
        </form>
      ) : null}
    </nav>
  );
}
