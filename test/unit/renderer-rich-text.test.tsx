// @vitest-environment happy-dom
/**
 * Message text is rendered as text: only http and https become links (opened with noopener
 * noreferrer in a new tab), and markup is never interpreted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { RichText } from '../../renderer/shared/RichText.js';
import { safeHref, splitLinks } from '../../renderer/shared/safe-link.js';

afterEach(cleanup);

describe('message text', () => {
  it('links only http and https', () => {
    expect(safeHref('https://example.com/a?b=1')).toBe('https://example.com/a?b=1');
    expect(safeHref('http://10.0.0.2:7420/')).toBe('http://10.0.0.2:7420/');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,<script>')).toBeNull();
    expect(safeHref('not a url')).toBeNull();
  });

  it('splits links out of text, leaving trailing punctuation as text', () => {
    expect(splitLinks('see https://x.test/r. then')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://x.test/r', href: 'https://x.test/r' },
      { kind: 'text', text: '. then' },
    ]);
    expect(splitLinks('javascript:alert(1)')).toEqual([{ kind: 'text', text: 'javascript:alert(1)' }]);
  });

  it('renders markup as text and links with noopener noreferrer in a new tab', () => {
    const { container } = render(<RichText text={'<img src=x onerror=alert(1)> https://example.com/report'} />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toBe('<img src=x onerror=alert(1)> https://example.com/report');
    const a = container.querySelector('a')!;
    expect(a.getAttribute('href')).toBe('https://example.com/report');
    expect(a.getAttribute('rel')).toBe('noopener noreferrer');
    expect(a.getAttribute('target')).toBe('_blank');
  });
});
