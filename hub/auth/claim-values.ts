/**
 * Claim values the hub shows or computes with. A `sub` or `name` must read the same to everyone
 * who sees it: `bob `, `bob\u200b` and fullwidth `ｂｏｂ` all display as "bob", so an admin could
 * kick or ban the wrong person. Dates must be finite: `exp: 1e400` parses as Infinity and would
 * never expire.
 */

/**
 * Control, format, private-use, unassigned, surrogate, line/paragraph separators, default-ignorable,
 * whitespace other than U+0020, and U+2800 (braille blank: a symbol, yet drawn as a space).
 */
const INVISIBLE =
  /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u2800]|[^\P{White_Space} ]/u;

const PLAIN_ASCII = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/**
 * Why `text` cannot stand for a person unambiguously, or null. Both kinds refuse invisible
 * characters and leading/trailing whitespace; a `sub` (the identity admins act on) must also be
 * NFKC-normalized, which refuses fullwidth and other compatibility forms. A `name` is a display
 * name and may use them (half-width katakana, ligatures).
 */
export function identityTextProblem(text: string, kind: 'sub' | 'name'): string | null {
  // Printable ASCII not starting or ending with a space passes every rule below (NFKC included).
  if (PLAIN_ASCII.test(text)) return null;
  if (INVISIBLE.test(text)) return 'has control, format or invisible characters';
  if (text !== text.trim()) return 'has leading or trailing whitespace';
  if (kind === 'sub' && text !== text.normalize('NFKC'))
    return 'is not NFKC-normalized (fullwidth or compatibility characters)';
  return null;
}

/** Seconds: the largest date a JavaScript Date can hold (±8.64e15 ms). */
const MAX_NUMERIC_DATE = 8.64e12;

/** A NumericDate claim (`exp`, `nbf`, `iat`): absent, or a finite number of seconds a Date can hold. */
export function isNumericDate(value: unknown): value is number | undefined {
  return (
    value === undefined || (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_NUMERIC_DATE)
  );
}
