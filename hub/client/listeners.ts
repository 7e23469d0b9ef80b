/**
 * A set of callbacks; one throwing listener must not keep the others (or the SDK) from running.
 * An async listener's rejection is caught the same way: left alone it would end a Node process
 * (an unhandled rejection), e.g. a handler whose publish fails because the app closed the client.
 */
export class Listeners<A extends unknown[]> {
  private readonly fns = new Set<(...args: A) => unknown>();

  add(fn: (...args: A) => unknown): () => void {
    this.fns.add(fn);
    return () => {
      this.fns.delete(fn);
    };
  }

  emit(...args: A): void {
    for (const fn of [...this.fns]) {
      try {
        const result: unknown = fn(...args);
        if (isThenable(result)) result.then(undefined, reportListenerError);
      } catch (err) {
        // An app bug must not break delivery to others; surface it where developers look.
        reportListenerError(err);
      }
    }
  }

  get size(): number {
    return this.fns.size;
  }

  clear(): void {
    this.fns.clear();
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

function reportListenerError(err: unknown): void {
  console.error('insight-hub client: a listener threw', err);
}
