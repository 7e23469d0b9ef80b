/** Waiting in tests: poll for state that settles asynchronously; never sleep to prove that nothing happened. */

/** For pacing load or stalling a stand-in on the hub's side; never to wait for something to happen. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll until `check` is true (for state that settles asynchronously); fails after the timeout. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
