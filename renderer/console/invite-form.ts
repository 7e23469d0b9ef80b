/** The invite form's rules: which rooms, role and lifetime make a valid `invite` request. */
import { isValidRoomPattern, type Json } from '../../hub/protocol/index.js';

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
  return [...new Set(text.split(/[\s,]+/).map((r) => r.trim()).filter(Boolean))];
}

export function inviteProblems(draft: InviteDraft): string[] {
  const problems: string[] = [];
  const rooms = parseRooms(draft.rooms);
  if (rooms.length === 0) problems.push('Name at least one room, e.g. dashboard:sales or dashboard:*');
  const bad = rooms.filter((r) => !isValidRoomPattern(r) || r.startsWith('$'));
  if (bad.length > 0) problems.push(`Not a room name or pattern: ${bad.join(', ')}`);
  if (draft.maxUses.trim() && !/^[1-9]\d{0,5}$/.test(draft.maxUses.trim())) problems.push('Uses must be a whole number from 1');
  return problems;
}

export function inviteRequest(draft: InviteDraft): Record<string, Json> {
  const req: Record<string, Json> = { rooms: parseRooms(draft.rooms), role: draft.role, ttlMinutes: draft.ttlMinutes };
  if (draft.name.trim()) req.name = draft.name.trim();
  if (draft.maxUses.trim()) req.maxUses = Number(draft.maxUses.trim());
  return req;
}
