/**
 * Who sent an alert: a filled "System" badge and InsightEngine for what the hub stamped as the
 * service's, an outlined "Person" badge and their name for anyone else. The badge comes first and
 * no name can draw it, so a guest called "InsightEngine" still reads as a person.
 */
import { SYSTEM_SENDER, senderText, type AlertSender } from './alert-sender.js';

export function SenderLabel({ sender }: { sender: AlertSender }) {
  const kind = sender.system ? 'system' : 'person';
  return (
    <span
      className={`sender ${kind}`}
      data-testid="alert-sender"
      data-sender={kind}
      title={sender.system ? senderText(sender) : `${senderText(sender)}, ${sender.sub}`}
    >
      <span className="sender-badge">{sender.system ? 'System' : 'Person'}</span>{' '}
      {/* A person's name in quotes: their own words, however official they look. */}
      <span className="sender-name">{sender.system ? SYSTEM_SENDER : `“${sender.name}”`}</span>
    </span>
  );
}
