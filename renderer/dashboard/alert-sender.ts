/**
 * Who an alert is from, as the dashboard shows it. Only the hub can say an alert comes from the
 * system: it stamps `from.service: true` on what a service token publishes (InsightEngine's
 * backend), and no client can set it. Everyone else, an editor or a guest who chose their own
 * display name, is a person, however they call themselves.
 */
import type { Sender } from '../../hub/protocol/index.js';

/** What a system alert is shown as, whatever name its service token carries. */
export const SYSTEM_SENDER = 'InsightEngine';

export interface AlertSender {
  /** Published with a service token (the hub's `from.service`). */
  system: boolean;
  /** The sender's display name, else its `sub`: the person's own choice, never shown as the system. */
  name: string;
  sub: string;
}

export function alertSender(from: Sender): AlertSender {
  return { system: from.service === true, name: from.name || from.sub, sub: from.sub };
}

/** One line of plain text: `InsightEngine (system)` or `Ana Lima (person)`. */
export function senderText(sender: AlertSender): string {
  return sender.system ? `${SYSTEM_SENDER} (system)` : `${sender.name} (person)`;
}
