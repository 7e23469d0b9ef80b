/** A stable colour per user, so the same colleague looks the same in every list. */
// Each dark enough for white initials (WCAG AA, 4.5:1).
const PALETTE = [
  '#2563eb',
  '#be185d',
  '#047857',
  '#b45309',
  '#7c3aed',
  '#0e7490',
  '#dc2626',
  '#4d7c0f',
  '#9333ea',
  '#0f766e',
];

export function avatarColor(sub: string): string {
  let h = 0;
  for (let i = 0; i < sub.length; i++) h = (h * 31 + sub.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

export function initials(name: string): string {
  // Letters and digits only: "Lena (late)" is LL, not L(.
  const words = name.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (words.length === 0) return '?';
  const letters = words.length === 1 ? words[0].slice(0, 2) : words[0][0] + words[words.length - 1][0];
  return letters.toUpperCase();
}
