/**
 * Work the SDK starts and does not wait for (a room's rejoin). Left alone, its rejection would be
 * unhandled and could end a Node process; it is reported where a failing listener is (listeners.ts).
 */
export function reportRejection(work: Promise<unknown>, what: string): void {
  work.catch((err: unknown) => console.error(`insight-hub client: ${what} failed`, err));
}
