/** Reading what the hub sends: one JSON object with a `type` per text frame. */
import type { ServerMessage } from '../protocol/index.js';

/** The message in a frame, or undefined for a binary frame or anything that is not a message. */
export function parseServerMessage(data: unknown): ServerMessage | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const value = JSON.parse(data) as unknown;
    if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') {
      return value as ServerMessage;
    }
  } catch {
    // Reported by the caller as a bad frame.
  }
  return undefined;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
