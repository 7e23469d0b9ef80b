/**
 * Checked readers for data that arrives untyped (a stored record, a REST body): each returns the
 * value as the contract's type when it has that shape, and undefined when it does not, so a
 * corrupt or foreign record is skipped instead of trusted. A reader declared as `Reader<Ban>`
 * must name every field of `Ban`: a field renamed in the contract is a compile error here.
 */

/** The value as `T`, or undefined when it is not shaped like one. */
export type Reader<T> = (value: unknown) => T | undefined;

/** A field that may be absent; present, it must read. */
export interface OptionalField<T> {
  readonly optional: Reader<T>;
}

type Field = Reader<unknown> | OptionalField<unknown>;
type Shape = { readonly [key: string]: Field };
type Required<S extends Shape> = {
  [K in keyof S as S[K] extends OptionalField<unknown> ? never : K]: S[K] extends Reader<infer T> ? T : never;
};
type Optional<S extends Shape> = {
  [K in keyof S as S[K] extends OptionalField<unknown> ? K : never]?: S[K] extends OptionalField<infer T> ? T : never;
};
/** What a shape reads: its required fields, and its optional ones when present. */
export type ShapeOf<S extends Shape> = Required<S> & Optional<S>;

export function isRecord(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const text: Reader<string> = (v) => (typeof v === 'string' ? v : undefined);
export const finite: Reader<number> = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
export const flag: Reader<boolean> = (v) => (typeof v === 'boolean' ? v : undefined);

export function oneOf<T extends string>(values: readonly T[]): Reader<T> {
  return (v) => values.find((x) => x === v);
}

export function nullable<T>(read: Reader<T>): Reader<T | null> {
  return (v) => (v === null ? null : read(v));
}

export function optional<T>(read: Reader<T>): OptionalField<T> {
  return { optional: read };
}

/** A list whose every item reads; one bad item fails the list. */
export function listOf<T>(read: Reader<T>): Reader<T[]> {
  return (v) => {
    if (!Array.isArray(v)) return undefined;
    const out: T[] = [];
    for (const item of v) {
      const r = read(item);
      if (r === undefined) return undefined;
      out.push(r);
    }
    return out;
  };
}

/** A list keeping the items that read (a page with one foreign row still shows the others). */
export function itemsOf<T>(read: Reader<T>): Reader<T[]> {
  return (v) => (Array.isArray(v) ? v.map(read).filter((r): r is T => r !== undefined) : undefined);
}

/** An object with these fields (others are dropped); undefined when a required one is missing or wrong. */
export function record<S extends Shape>(shape: S): Reader<ShapeOf<S>> {
  const fields = Object.entries(shape);
  return (v) => {
    if (!isRecord(v)) return undefined;
    const out: { [key: string]: unknown } = {};
    for (const [key, field] of fields) {
      const raw = v[key];
      if (typeof field !== 'function') {
        if (raw === undefined) continue;
        const r = field.optional(raw);
        if (r === undefined) return undefined;
        out[key] = r;
        continue;
      }
      const r = field(raw);
      if (r === undefined) return undefined;
      out[key] = r;
    }
    // Every field of the shape was read by its own reader just above.
    return out as ShapeOf<S>;
  };
}

/** The first of several shapes that reads (a union of the contract). */
export function anyOf<T extends unknown[]>(...readers: { [I in keyof T]: Reader<T[I]> }): Reader<T[number]> {
  return (v) => {
    for (const read of readers) {
      const r = read(v);
      if (r !== undefined) return r;
    }
    return undefined;
  };
}
