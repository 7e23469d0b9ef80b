/**
 * How a settings problem is told, the one way for every source: the key, what was expected and
 * what was given; an unknown key with the nearest valid name; bad JSON with its line and column.
 */
import { z } from 'zod';

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(
        row[j] + 1,
        row[j - 1] + 1,
        diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The valid name closest to a misspelt one, when it is close enough to be what was meant. */
export function nearestName(wrong: string, valid: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of valid) {
    const d = distance(wrong, name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path)
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const shown = JSON.stringify(value);
  return `${typeof value} ${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown}`;
}

/** The keys an object schema takes at `path`, for "did you mean". */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: z.ZodType | undefined = schema;
  for (const key of path) {
    while (s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
    if (s instanceof z.ZodObject) s = s.shape[key as string] as z.ZodType | undefined;
    else if (s instanceof z.ZodArray) s = s.element as z.ZodType;
    else return [];
  }
  while (s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

const join = (prefix: string, path: readonly PropertyKey[]): string =>
  [prefix, ...path.map(String)].filter(Boolean).join('.');

/**
 * One line per problem: `<key> must be <expected>, got <value>` or `<key> is not a setting; did you
 * mean <name>?`. `name(path)` says how the key is called where it came from (a flag, a variable).
 */
export function describeIssues(
  schema: z.ZodType,
  input: unknown,
  issues: readonly z.core.$ZodIssue[],
  name: (path: readonly PropertyKey[]) => string,
): string[] {
  return issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const valid = keysAt(schema, issue.path);
      return issue.keys
        .map((key) => {
          const near = nearestName(key, valid);
          return `${name([...issue.path, key])} is not a setting${near ? ` (did you mean ${name([...issue.path, near])}?)` : ''}`;
        })
        .join('\n');
    }
    // A rule across keys says its own words: "interfaceName is required when …".
    if (issue.code === 'custom' && !issue.message.startsWith('must be ')) return `${name(issue.path)} ${issue.message}`;
    const got = describe(valueAt(input, issue.path));
    const expected = issue.message.startsWith('must be ') ? issue.message : `must be ${expectation(issue)}`;
    return `${name(issue.path)} ${expected}, got ${got}`;
  });
}

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int'
        ? 'an integer'
        : `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `at least ${issue.minimum} characters`
        : issue.origin === 'array'
          ? `at least ${issue.minimum} entries`
          : `a number ≥ ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `at most ${issue.maximum} characters`
        : issue.origin === 'array'
          ? `at most ${issue.maximum} entries`
          : `a number ≤ ${issue.maximum}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'url' ? 'a URL (http(s)://… or redis(s)://…)' : `a valid ${issue.format}`;
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(where: string, problems: string[]) {
    super(problems.length === 1 ? `${where}: ${problems[0]}` : `${where}:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Validate `input` against `schema`; a ConfigError naming each key (via `name`) otherwise. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: string,
  name: (path: readonly PropertyKey[]) => string = (p) => join('', p) || '(top level)',
): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(where, describeIssues(schema, input, result.error.issues, name));
}

/** Whether `prefix` could begin a JSON text: it parses, or fails only for ending too soon. */
function viablePrefix(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    return /end of JSON input/.test(message) || (at !== null && Number(at[1]) >= prefix.length);
  }
}

/** Where parsing goes wrong when the engine's message has no position: the longest viable prefix. */
function errorOffset(textIn: string): number {
  let lo = 0;
  let hi = textIn.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (viablePrefix(textIn.slice(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** `JSON.parse` whose error gives the line and column of the mistake. */
export function parseJsonText(textIn: string, where: string): unknown {
  try {
    return JSON.parse(textIn);
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : errorOffset(textIn);
    const before = textIn.slice(0, offset).split('\n');
    // The engine's message may quote the whole text (secrets included): only its first words are kept.
    const line = before.length;
    const column = before.at(-1)!.length + 1;
    throw new ConfigError(where, [
      `not valid JSON at line ${line}, column ${column}: ${message.replace(/ in JSON at position \d+.*$/s, '').replace(/, (?:\.\.\.)?".*$/s, '')}`,
    ]);
  }
}

export const keyName = join;
