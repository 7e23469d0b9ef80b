/** The invite form's rules: which rooms, role and lifetime make a valid `invite` request. */
import { isValidRoomPattern, type AdminFieldsMap } from '../../hub/protocol/index.js';

export const INVITE_LIFETIMES: Array<{ minutes: number; label: string }> = [
  { minutes: 60, label: '1 hour' },
  { minutes: 8 * 60, label: '8 hours' },
  { minutes: 24 * 60, label: '1 day' },
  { minutes: 7 * 24 * 60, label: '7 days' },
];

export type InviteRole = 'viewer' | 'editor';

export interface InviteDraft {
  rooms: string;
  role: InviteRole;
  ttlMinutes: number;
  name: string;
  maxUses: string;
}

/** Rooms typed as a list separated by commas, spaces or new lines. */
export function parseRooms(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((r) => r.trim())
        .filter(Boolean),
    ),
  ];
}

export function inviteProblems(draft: InviteDraft): string[] {
  const problems: string[] = [];
  const rooms = parseRooms(draft.rooms);
  if (rooms.length === 0) problems.push('Name at least one room, e.g. dashboard:sales or dashboard:*');
  // `dashboard:` is the form's prefill, a prefix without a name: no dashboard is called that.
  const bare = rooms.filter((r) => r.endsWith(':'));
  if (bare.length > 0)
    problems.push(`${bare.join(', ')} names no room: add a name (${bare[0]}sales) or * for all of them (${bare[0]}*)`);
  const bad = rooms.filter((r) => !r.endsWith(':') && (!isValidRoomPattern(r) || r.startsWith('$')));
  if (bad.length > 0) problems.push(`Not a room name or pattern: ${bad.join(', ')}`);
  if (draft.maxUses.trim() && !/^[1-9]\d{0,5}$/.test(draft.maxUses.trim()))
    problems.push('Uses must be a whole number from 1');
  return problems;
}

export function inviteRequest(draft: InviteDraft): AdminFieldsMap['invite'] {
  const req: AdminFieldsMap['invite'] = {
    rooms: parseRooms(draft.rooms),
    role: draft.role,
    ttlMinutes: draft.ttlMinutes,
  };
  if (draft.name.trim()) req.name = draft.name.trim();
  if (draft.maxUses.trim()) req.maxUses = Number(draft.maxUses.trim());
  return req;
}

/** A link only this computer can open: its host is a loopback address. */
export function loopbackHost(url: string): string | null {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
  const bare = host.replace(/^\[|\]$/g, '');
  if (
    bare === 'localhost' ||
    bare.endsWith('.localhost') ||
    bare === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(bare) ||
    bare === '0:0:0:0:0:0:0:1'
  )
    return host;
  return null;
}
