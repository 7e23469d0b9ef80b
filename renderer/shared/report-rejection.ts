/**
 * Work a view starts and does not wait for (a form's submit, a timer's refresh). A rejection it
 * does not handle itself must not go unhandled: it is shown through `show` (the view's or the
 * store's error state) or, with none to show it, written to the browser console.
 */
export function reportRejection(work: Promise<unknown>, show?: (message: string) => void): void {
  work.catch((err: unknown) => {
    if (show) show(err instanceof Error ? err.message : String(err));
    else console.error('insight-hub: a background task failed', err);
  });
}
