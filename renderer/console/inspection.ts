/**
 * Which rooms the hub samples traffic for (`*` for all). Inspection is the hub's, not a page's:
 * it stays on while the console is open, whichever page is shown, and the `$admin` snapshot says
 * what is on after a reconnect. Closing the console switches off what it switched on.
 */
import { create } from 'zustand';
import { setInspect } from './admin-session.js';

export const ALL_ROOMS = '*';

interface InspectionView {
  /** Rooms inspected, as the hub last said (`*` for all). */
  on: readonly string[];
  /** Turned on from this console, to turn off when it closes. */
  mine: readonly string[];
}

export const useInspection = create<InspectionView>(() => ({ on: [], mine: [] }));

/** The snapshot's `inspect` list (or an `inspect` answer's). */
export function applyInspecting(list: readonly string[]): void {
  useInspection.setState({ on: [...list] });
}

export function isInspecting(on: readonly string[], room: string | undefined): boolean {
  return on.includes(room ?? ALL_ROOMS);
}

export async function toggleInspection(room: string | undefined, next: boolean): Promise<void> {
  const ack = await setInspect(room ?? null, next);
  const key = room ?? ALL_ROOMS;
  const { mine } = useInspection.getState();
  useInspection.setState({ mine: next ? [...new Set([...mine, key])] : mine.filter((r) => r !== key) });
  applyInspecting(ack.inspect);
}

/** The console is closing: switch off what it switched on (best effort, the socket may be gone). */
export function stopOwnInspection(): void {
  for (const key of useInspection.getState().mine)
    void setInspect(key === ALL_ROOMS ? null : key, false).catch(() => undefined);
  useInspection.setState({ on: [], mine: [] });
}
