// A dashboard widget using the hooks: viewers, live rows, and a refresh button.
import { useState } from 'react';
import type { Json } from 'insight-hub/client';
import { useConnectionState, usePresence, useRoom, useRoomEvent } from './hub-hooks.js';

export function Dashboard({ id }: { id: string }) {
  const status = useConnectionState().status;
  const room = useRoom(`dashboard:${id}`);
  const viewers = usePresence(room);
  const [rows, setRows] = useState<Json>(null);
  useRoomEvent(room, 'query.rows', (data) => setRows(data));

  return (
    <section>
      <p data-testid="status">{status}</p>
      <p data-testid="viewers">{viewers.map((m) => m.name).join(', ')}</p>
      <button onClick={() => void room?.publish('refresh', { widgets: ['w7'] })}>Refresh</button>
      <pre data-testid="rows">{JSON.stringify(rows)}</pre>
    </section>
  );
}
