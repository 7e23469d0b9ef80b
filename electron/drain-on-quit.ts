/**
 * Quitting the app drains the hub first: colleagues get `notice shutdown` and a clean 1001 instead
 * of a dropped connection. The first quit is held back until the hub has stopped, then let through.
 */

export interface QuittableApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

export interface QuitState {
  /** True from the first quit request on (the window stops hiding itself on close). */
  readonly quitting: boolean;
}

export function drainHubBeforeQuit(
  app: QuittableApp,
  stopHub: () => Promise<void>,
  log: (message: string) => void = () => undefined,
): QuitState {
  const state = { quitting: false };
  let drained = false;
  let draining = false;
  app.on('before-quit', (event) => {
    state.quitting = true;
    if (drained) return;
    event.preventDefault();
    if (draining) return;
    draining = true;
    stopHub()
      .catch((err: unknown) => log(`the hub did not stop cleanly: ${(err as Error).message}`))
      .finally(() => {
        drained = true;
        app.quit();
      });
  });
  return state;
}
