// React hooks over the SDK: one client per app (HubProvider), a room per component that needs it.
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import {
  connect,
  type ConnectOptions,
  type ConnectionState,
  type InsightClient,
  type MessageListener,
  type PresenceMember,
  type RoomHandle,
} from 'insight-hub/client';

const HubContext = createContext<InsightClient | null>(null);

/** Connects on mount and closes on unmount (or when the URL changes). */
export function HubProvider({ options, children }: { options: ConnectOptions; children: ReactNode }) {
  const [client, setClient] = useState<InsightClient | null>(null);
  useEffect(() => {
    const next = connect(options);
    setClient(next);
    return () => next.close();
  }, [options.url]); // a new client only for a new hub, not for a new options object
  return client ? <HubContext.Provider value={client}>{children}</HubContext.Provider> : null;
}

export function useHub(): InsightClient {
  const client = useContext(HubContext);
  if (!client) throw new Error('useHub() needs a <HubProvider> above it');
  return client;
}

/** connecting | open | reconnecting {inMs, attempt} | closed {code, reason, cause, until?}, for a status bar. */
export function useConnectionState(): ConnectionState {
  const client = useHub();
  const [state, setState] = useState(client.state);
  useEffect(() => {
    setState(client.state);
    return client.onState(setState);
  }, [client]);
  return state;
}

/** Joins the room while the component is mounted; null until the effect has run. */
export function useRoom(name: string): RoomHandle | null {
  const client = useHub();
  const [room, setRoom] = useState<RoomHandle | null>(null);
  useEffect(() => {
    const joined = client.room(name);
    setRoom(joined);
    return () => {
      setRoom(null);
      void joined.leave();
    };
  }, [client, name]);
  return room;
}

/** Calls `listener` for every message of `event` (`'*'`: every event), once each, in order. */
export function useRoomEvent(room: RoomHandle | null, event: string, listener: MessageListener): void {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => room?.on(event, (data, message) => latest.current(data, message)), [room, event]);
}

/** Who is in the room, with their presence state; updated on every presence change. */
export function usePresence(room: RoomHandle | null): PresenceMember[] {
  const [members, setMembers] = useState<PresenceMember[]>([]);
  useEffect(() => {
    setMembers(room ? room.members : []);
    return room?.onPresence((next) => setMembers(next));
  }, [room]);
  return members;
}
