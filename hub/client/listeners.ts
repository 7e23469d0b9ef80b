/** A set of callbacks; one throwing listener must not keep the others (or the SDK) from running. */
export class Listeners<A extends unknown[]> {
  private readonly fns = new Set<(...args: A) => void>();

  add(fn: (...args: A) => void): () => void {
    this.fns.add(fn);
    return () => {
      this.fns.delete(fn);
    };
  }

  emit(...args: A): void {
    for (const fn of [...this.fns]) {
      try {
        fn(...args);
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

function reportListenerError(err: unknown): void {
  console.error('insight-hub client: a listener threw', err);
}
