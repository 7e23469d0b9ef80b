/** Tokens never reach a log line: the hub's logger redacts credential fields and JWT-shaped text. */
import { describe, expect, it } from 'vitest';
import { redactTokens } from '../../hub/server/logger.js';
import { captureLogs, signJwt } from '../support/hub.js';

describe('log redaction', () => {
  it('redacts JWT-shaped text, with or without the bearer. prefix', async () => {
    const jwt = await signJwt({ sub: 'alice' });
    expect(redactTokens(`token ${jwt} refused`)).toBe('token [redacted] refused');
    expect(redactTokens(`insight.v1, bearer.${jwt}`)).toBe('insight.v1, [redacted]');
    expect(redactTokens('no tokens here: eyJ-not-a-jwt')).toBe('no tokens here: eyJ-not-a-jwt');
  });

  it('redacts credential fields and tokens pasted into messages', async () => {
    const jwt = await signJwt({ sub: 'alice' });
    const logs = captureLogs('debug');
    logs.logger.info({ token: jwt }, 'a token field');
    logs.logger.info({ req: { headers: { authorization: `Bearer ${jwt}` } } }, 'request headers');
    logs.logger.info(
      { headers: { authorization: `Bearer ${jwt}`, 'sec-websocket-protocol': `insight.v1, bearer.${jwt}` } },
      'upgrade headers',
    );
    logs.logger.warn({ auth: { secret: 'the-secret-value-0123456789' } }, 'a secret');
    logs.logger.error({}, `pasted ${jwt} into a message`);
    expect(logs.lines).toHaveLength(5);
    const text = logs.text();
    expect(text).not.toContain(jwt);
    expect(text).not.toContain(jwt.split('.')[2]!);
    expect(text).not.toContain('the-secret-value');
    expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(5);
    for (const line of logs.lines) expect(JSON.parse(line)).toMatchObject({ service: 'insight-hub' });
  });
});
