/**
 * Message text as text: React escapes every run, and only http(s) URLs become links, which open
 * in a new tab without handing it this page (noopener) or our address (noreferrer).
 */
import { splitLinks } from './safe-link.js';

export function RichText({ text, className }: { text: string; className?: string }) {
  return (
    <span className={className}>
      {splitLinks(text).map((part, i) =>
        part.kind === 'link' ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </span>
  );
}
