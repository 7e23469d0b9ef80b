/**
 * Frames, credentials and claims against `insight-hub serve` (not a test; loopback; bounded):
 *   npx tsx test/attack/attack-wire.ts
 * Prints one line per probe: what was sent and what came back.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { TEST_SECRET } from '../support/hub.js';
import { openWs, serve, tok } from './attack-lib.js';

const hub = await serve({ args: ['--rate', '5', '--burst', '5'] });
const now = Math.floor(Date.now() / 1000);
const b64 = (s: string): string => Buffer.from(s).toString('base64url');
/** A JWT over a payload written as raw JSON text (so `1e400` stays a literal). */
function rawJwt(payloadJson: string): string {
  const signing = `${b64('{"alg":"HS256","typ":"JWT"}')}.${b64(payloadJson)}`;
  return `${signing}.${createHmac('sha256', TEST_SECRET).update(signing).digest('base64url')}`;
}
const claims = (extra: string, sub = '"eve"'): string =>
  `{"sub":${sub},"aud":"insight-hub","role":"editor","rooms":["*"],"iat":${now},"exp":${now + 3600}${extra}}`;

/** Raw HTTP: the status line and body the hub answered (or what happened). */
function raw(head: string[], body = ''): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(hub.port, '127.0.0.1');
    let got = '';
    s.on('connect', () => s.write(head.join('\r\n') + '\r\n\r\n' + body));
    s.on('data', (d) => {
      got += d.toString('latin1');
      if (got.startsWith('HTTP/1.1 101')) s.destroy();
    });
    s.on('error', (e) => (got ||= `error ${e.message}`));
    s.on('close', () => {
      const [status] = got.split('\r\n');
      resolve(
        `${status} ${got
          .slice(got.indexOf('\r\n\r\n') + 4)
          .replace(/^[0-9a-f]+\r\n/, '')
          .slice(0, 160)}`.trim(),
      );
    });
    setTimeout(() => s.destroy(), 4000);
  });
}
const upgrade = (extra: string[]): Promise<string> =>
  raw([
    'GET /ws HTTP/1.1',
    `Host: 127.0.0.1:${hub.port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...extra,
  ]);
const log = (what: string, got: string): void => console.log(`${what.padEnd(58)} → ${got}`);

const good = await tok({ sub: 'eve' });
const other = await tok({ sub: 'mallory' });

// Credentials
log(
  'two Authorization headers',
  await upgrade([
    'Sec-WebSocket-Protocol: insight.v1',
    `Authorization: Bearer ${good}`,
    `Authorization: Bearer ${other}`,
  ]),
);
log(
  'Authorization + bearer. entry',
  await upgrade([`Sec-WebSocket-Protocol: insight.v1, bearer.${other}`, `Authorization: Bearer ${good}`]),
);
log('two bearer. entries', await upgrade([`Sec-WebSocket-Protocol: insight.v1, bearer.${good}, bearer.${other}`]));
log(
  'two Sec-WebSocket-Protocol headers, one bearer each',
  await upgrade([
    'Sec-WebSocket-Protocol: insight.v1',
    `Sec-WebSocket-Protocol: bearer.${good}`,
    `Sec-WebSocket-Protocol: bearer.${other}`,
  ]),
);
log(
  'AUTHORIZATION casing, one header',
  await upgrade(['Sec-WebSocket-Protocol: insight.v1', `AUTHORIZATION: bEaReR ${good}`]),
);
log(
  'one header "Bearer a, Bearer b"',
  await upgrade(['Sec-WebSocket-Protocol: insight.v1', `Authorization: Bearer ${good}, Bearer ${other}`]),
);
log('empty bearer. entry alone', await upgrade(['Sec-WebSocket-Protocol: insight.v1, bearer.']));
log(
  'empty bearer. entry + header',
  await upgrade(['Sec-WebSocket-Protocol: insight.v1, bearer.', `Authorization: Bearer ${good}`]),
);
log(
  'token in query ?Access_Token=',
  await raw([
    `GET /ws?Access_Token=${good} HTTP/1.1`,
    `Host: 127.0.0.1:${hub.port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Protocol: insight.v1',
  ]),
);
log(
  'token in query ?t= (unlisted name) + header',
  await raw([
    `GET /ws?t=${other} HTTP/1.1`,
    `Host: 127.0.0.1:${hub.port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Protocol: insight.v1',
    `Authorization: Bearer ${good}`,
  ]),
);
const svc = await tok({ sub: 'svc', role: 'service' });
const svc2 = await tok({ sub: 'svc-b', role: 'service' });
log(
  'REST publish, two Authorization headers',
  await raw(
    [
      'POST /api/rooms/dashboard:1/messages HTTP/1.1',
      `Host: 127.0.0.1:${hub.port}`,
      `Authorization: Bearer ${svc}`,
      `Authorization: Bearer ${svc2}`,
      'Content-Type: application/json',
      'Content-Length: 25',
      'Connection: close',
    ],
    '{"event":"e","data":null}',
  ),
);
log(
  'REST history, two Authorization headers',
  await raw([
    'GET /api/rooms/dashboard:1/history HTTP/1.1',
    `Host: 127.0.0.1:${hub.port}`,
    `Authorization: Bearer ${svc}`,
    `Authorization: Bearer ${svc2}`,
    'Connection: close',
  ]),
);

// Claims
const claimProbe = async (what: string, payload: string): Promise<void> =>
  log(what, await upgrade(['Sec-WebSocket-Protocol: insight.v1', `Authorization: Bearer ${rawJwt(payload)}`]));
const base = `{"sub":"eve","aud":"insight-hub","role":"editor","rooms":["*"]`;
await claimProbe('exp 1e400', `${base},"exp":1e400}`);
await claimProbe('exp -1e400', `${base},"exp":-1e400}`);
await claimProbe('exp "9999999999" (string)', `${base},"exp":"9999999999"}`);
await claimProbe('exp 8.64e12 (largest Date)', `${base},"exp":8.64e12}`);
await claimProbe('exp 8.64e12+1', `${base},"exp":8640000000001}`);
await claimProbe('exp 1e300', `${base},"exp":1e300}`);
await claimProbe('exp now+3600.5 (fraction)', `${base},"exp":${now + 3600}.5}`);
await claimProbe('exp true', `${base},"exp":true}`);
await claimProbe('nbf 1e400', claims(',"nbf":1e400'));
await claimProbe('nbf -1e400', claims(',"nbf":-1e400'));
await claimProbe(
  'iat 1e400',
  `{"sub":"eve","aud":"insight-hub","role":"editor","rooms":["*"],"exp":${now + 3600},"iat":1e400}`,
);
await claimProbe(
  'iat -1e400',
  `{"sub":"eve","aud":"insight-hub","role":"editor","rooms":["*"],"exp":${now + 3600},"iat":-1e400}`,
);
await claimProbe(
  'iat "x"',
  `{"sub":"eve","aud":"insight-hub","role":"editor","rooms":["*"],"exp":${now + 3600},"iat":"x"}`,
);
await claimProbe('duplicate exp keys (past, then 1e400)', `${base},"exp":1,"exp":1e400}`);
await claimProbe(
  'duplicate sub keys',
  `{"sub":"eve","sub":"admin","aud":"insight-hub","role":"editor","rooms":["*"],"exp":${now + 3600}}`,
);
for (const [what, sub] of [
  ['sub zero-width bob\\u200b', '"bob\\u200b"'],
  ['sub RLO \\u202ebob', '"\\u202ebob"'],
  ['sub fullwidth ｂｏｂ', '"\\uff42\\uff4f\\uff42"'],
  ['sub trailing space', '"bob "'],
  ['sub NUL', '"bob\\u0000"'],
  ['sub 10,000 chars', `"${'b'.repeat(10_000)}"`],
  ['sub Cyrillic bоb (U+043E)', '"b\\u043eb"'],
  ['sub decomposed b\\u00f6b as o+U+0308', '"bo\\u0308b"'],
  ['sub number 5', '5'],
  ['sub empty', '""'],
  ['sub lone surrogate', '"bob\\ud800"'],
  ['sub Hangul filler \\u3164', '"bob\\u3164"'],
  ['sub U+2800 braille blank', '"bob\\u2800"'],
  ['sub U+115F Hangul choseong filler', '"bob\\u115f"'],
  ['sub combining mark only \\u0336 (strike)', '"bob\\u0336"'],
] as const) {
  await claimProbe(what, claims('', sub));
}
await claimProbe('name RLO', claims(',"name":"\\u202eevil"'));
await claimProbe('name 10,000 chars', claims(`,"name":"${'n'.repeat(10_000)}"`));
await claimProbe('role "root"', `{"sub":"eve","aud":"insight-hub","role":"root","rooms":["*"],"exp":${now + 3600}}`);
await claimProbe(
  'rooms "*" (string, not list)',
  `{"sub":"eve","aud":"insight-hub","role":"admin","rooms":"*","exp":${now + 3600}}`,
);
await claimProbe(
  'aud list ["x","insight-hub"]',
  `{"sub":"eve","aud":["x","insight-hub"],"role":"editor","rooms":["*"],"exp":${now + 3600}}`,
);

// Frames: every error must carry the id
const ws = await openWs(hub.port, await tok({ sub: 'framer' }));
const answers: string[] = [];
ws.on('message', (d) => answers.push(d.toString().slice(0, 150)));
const frame = async (what: string, text: string): Promise<void> => {
  const before = answers.length;
  ws.send(text);
  await new Promise((r) => setTimeout(r, 250));
  log(what, answers.slice(before).join(' ‖ ') || '(nothing)');
};
const pad = 'x'.repeat(10_000);
await frame('bad publish, id after 10 KB', `{"type":"publish","room":"$x","event":"e","data":"${pad}","id":"late1"}`);
await frame('unknown type, id only nested', '{"type":"nope","data":{"id":"nested"}}');
await frame('duplicate id keys', '{"id":"first","type":"nope","id":"second"}');
await frame('id of 65 chars', `{"type":"nope","id":"${'i'.repeat(65)}"}`);
await frame('id number', '{"type":"nope","id":7}');
await frame('id after __proto__', '{"type":"nope","__proto__":{"id":"proto"}}');
await frame('subscribe $admin as editor with rooms *', '{"type":"subscribe","room":"$admin","id":"adm"}');
await frame('admin action as editor', '{"type":"admin","action":"kick","sub":"neighbour","reason":"x","id":"kick"}');
// Past the rate (5/s, burst 5): ids after a long field must still come back on rate_limited.
for (let i = 0; i < 8; i++) ws.send(`{"type":"ping","pad":"${pad}","id":"rl${i}"}`);
await new Promise((r) => setTimeout(r, 500));
log(
  '8 pings at rate 5/s, id after 10 KB',
  answers
    .slice(-8)
    .map((a) => a.replace(/"time":\d+/, ''))
    .join(' ‖ '),
);
ws.terminate();

// /metrics from another loopback address and with another Host
log(
  '/metrics from 127.0.0.2',
  (await raw(['GET /metrics HTTP/1.1', `Host: 127.0.0.1:${hub.port}`, 'Connection: close'])).slice(0, 40),
);
log('/metrics Host: evil.example', await raw(['GET /metrics HTTP/1.1', 'Host: evil.example', 'Connection: close']));
log(
  '/metrics with X-Forwarded-For',
  (
    await raw([
      'GET /metrics HTTP/1.1',
      `Host: 127.0.0.1:${hub.port}`,
      'X-Forwarded-For: 10.0.0.9',
      'Connection: close',
    ])
  ).slice(0, 40),
);
log('hub alive', String(hub.alive()));
hub.stop();
process.exit(0);
void WebSocket;
