/** Which dashboards a token opens: its exact rooms, or any room under a pattern the user types. */

export interface DashboardChoices {
  /** Rooms named exactly by the token (personal rooms left out). */
  rooms: string[];
  /** Patterns (`dashboard:*`, `*`) under which the user may name a room. */
  patterns: string[];
}

export function dashboardChoices(claimRooms: readonly string[]): DashboardChoices {
  const rooms: string[] = [];
  const patterns: string[] = [];
  for (const r of claimRooms) {
    if (r.endsWith('*')) patterns.push(r);
    else if (!r.startsWith('user:')) rooms.push(r);
  }
  return { rooms, patterns };
}

export function allowedBy(patterns: readonly string[], room: string): boolean {
  return patterns.some((p) => p === '*' || (p.endsWith('*') && room.startsWith(p.slice(0, -1))));
}

/** The room to open first: the one the link named, else the token's first room. */
export function firstDashboard(choices: DashboardChoices, fromLink: string | undefined): string | null {
  if (fromLink && (choices.rooms.includes(fromLink) || allowedBy(choices.patterns, fromLink))) return fromLink;
  return choices.rooms[0] ?? null;
}
