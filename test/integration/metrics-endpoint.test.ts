/**
 * GET /metrics is strict Prometheus text whose counters follow real traffic (refusals, closes, slow
 * consumers), served to loopback under the hub's own Host names and otherwise only to an admin
 * token.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseExposition, type MetricFamily } from '../../hub/metrics/index.js';
import { hubExtensions } from '../../hub/extensions.js';
import type { Hub } from '../../hub/server/types.js';
import { connect, expectRefused, httpRequest, startHub, token, until } from '../support/hub.js';

const hubs: Hub[] = [];

afterEach(async () => {
  for (const h of hubs.splice(0)) await h.close();
});

async function hub(...args: Parameters<typeof startHub>): Promise<Hub> {
  const h = await startHub(...args);
  hubs.push(h);
  return h;
}

async function scrape(h: Hub, tok?: string): Promise<Map<string, MetricFamily>> {
  const res = await fetch(`${h.url}/metrics`, { headers: tok ? { authorization: `Bearer ${tok}` } : {} });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(await res.text());
}

/** The value of one series (0 when the series does not exist yet). */
function value(families: Map<string, MetricFamily>, sample: string, labels: Record<string, string> = {}): number {
  const family = [...families.values()].find((f) => f.samples.some((s) => s.name === sample));
  const match = family?.samples.find(
    (s) => s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return match?.value ?? 0;
}

describe('/metrics', () => {
  it('parses strictly and declares every family the hub promises', async () => {
    const h = await hub();
    const families = await scrape(h);
    const types = Object.fromEntries([...families.values()].map((f) => [f.name, f.type]));
    expect(types).toMatchObject({
      insight_hub_connections: 'gauge',
      insight_hub_rooms: 'gauge',
      insight_hub_messages_total: 'counter',
      insight_hub_bytes_total: 'counter',
      insight_hub_upgrades_refused_total: 'counter',
      insight_hub_closes_total: 'counter',
      insight_hub_slow_consumer_closes_total: 'counter',
      insight_hub_history_messages: 'gauge',
      insight_hub_delivery_latency_seconds: 'histogram',
      insight_hub_event_loop_lag_seconds: 'gauge',
      insight_hub_process_resident_memory_bytes: 'gauge',
      insight_hub_process_cpu_seconds_total: 'counter',
    });
    for (const f of families.values()) expect(f.help, f.name).toBeTruthy();
    expect(value(families, 'insight_hub_messages_total', { direction: 'in' })).toBe(0);
    expect(value(families, 'insight_hub_messages_total', { direction: 'out' })).toBe(0);
  });

  it('moves with traffic: connections, rooms, messages and bytes by direction, history, latency, closes', async () => {
    const h = await hub();
    const before = await scrape(h);
    const pub = await connect(h, await token(h, { sub: 'pub' }));
    const subs = await Promise.all(['s1', 's2', 's3'].map(async (sub) => connect(h, await token(h, { sub }))));
    for (const s of subs) await s.request({ type: 'subscribe', room: 'live' });
    for (let i = 0; i < 10; i++) await pub.request({ type: 'publish', room: 'live', event: 'tick', data: { i } });
    for (const s of subs) await until(() => s.messages('live').length === 10);

    const during = await scrape(h);
    expect(value(during, 'insight_hub_connections')).toBe(4);
    expect(value(during, 'insight_hub_rooms')).toBe(1);
    expect(value(during, 'insight_hub_history_messages')).toBe(10);
    // 3 subscribes + 10 publishes in; 10 messages to 3 members out.
    expect(
      value(during, 'insight_hub_messages_total', { direction: 'in' }) -
        value(before, 'insight_hub_messages_total', { direction: 'in' }),
    ).toBe(13);
    expect(value(during, 'insight_hub_messages_total', { direction: 'out' })).toBe(30);
    expect(value(during, 'insight_hub_bytes_total', { direction: 'in' })).toBeGreaterThan(10 * 40);
    expect(value(during, 'insight_hub_bytes_total', { direction: 'out' })).toBeGreaterThan(30 * 60);
    expect(value(during, 'insight_hub_delivery_latency_seconds_count')).toBe(10);
    expect(value(during, 'insight_hub_delivery_latency_seconds_bucket', { le: '+Inf' })).toBe(10);

    subs[0]!.ws.close(1000, 'done');
    const admin = await connect(h, await token(h, { sub: 'root', role: 'admin' }));
    await admin.request({ type: 'admin', action: 'kick', clientId: subs[1]!.welcome.clientId, reason: 'metrics test' });
    await subs[1]!.waitForClose();
    await until(async () => value(await scrape(h), 'insight_hub_connections') === 3);
    const after = await scrape(h);
    expect(value(after, 'insight_hub_closes_total', { code: '1000' })).toBe(1);
    expect(value(after, 'insight_hub_closes_total', { code: '4004' })).toBe(1);
    const bad = await connect(h, await token(h, { sub: 'bad' }));
    bad.send('{"type":"publish"}');
    await bad.waitFor((m) => m.type === 'error');
    expect(value(await scrape(h), 'insight_hub_errors_total', { code: 'bad_request' })).toBe(1);
  });

  it('counts refused upgrades by reason and status', async () => {
    const h = await hub();
    await expectRefused(h, undefined);
    await expectRefused(h, 'not.a.token');
    await expectRefused(h, await token(h, { sub: 'x' }), { origin: 'https://evil.example' });
    await expectRefused(h, await token(h, { sub: 'x' }), { path: '/elsewhere' });
    const families = await scrape(h);
    expect(value(families, 'insight_hub_upgrades_refused_total', { reason: 'token_missing', status: '401' })).toBe(1);
    expect(value(families, 'insight_hub_upgrades_refused_total', { reason: 'token_invalid', status: '401' })).toBe(1);
    expect(value(families, 'insight_hub_upgrades_refused_total', { reason: 'origin', status: '403' })).toBe(1);
    expect(value(families, 'insight_hub_upgrades_refused_total', { reason: 'path', status: '404' })).toBe(1);
    const reasons = families.get('insight_hub_upgrades_refused_total')!.samples.map((s) => s.labels.reason);
    expect(reasons.every((r) => /^[a-z_]+$/.test(r!))).toBe(true);
  });

  it('counts slow-consumer closes', async () => {
    const h = await hub({
      limits: { maxQueuedBytes: 64 * 1024, messagesPerSecond: 10_000, burst: 10_000, publishBytesPerSecond: 1e12 },
    });
    const pub = await connect(h, await token(h, { sub: 'pub' }));
    const slow = await connect(h, await token(h, { sub: 'slow' }));
    await slow.request({ type: 'subscribe', room: 'firehose' });
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const payload = 'y'.repeat(30_000);
    for (let i = 0; i < 2000 && value(await scrape(h), 'insight_hub_slow_consumer_closes_total') === 0; i++) {
      for (let k = 0; k < 20; k++) pub.send({ type: 'publish', room: 'firehose', event: 'blob', data: payload });
      await pub.request({ type: 'unsubscribe', room: 'firehose' }); // a round trip: the publishes before it are fanned out
    }
    expect(value(await scrape(h), 'insight_hub_slow_consumer_closes_total')).toBe(1);
    slow.ws.terminate();
  });

  it('is served to loopback, else only to an admin token (403 otherwise, audited)', async () => {
    const h = await hub({}, hubExtensions({ metrics: { trustLoopback: false } }));
    const adminTok = await token(h, { sub: 'root', role: 'admin' });
    const viewerTok = await token(h, { sub: 'vic', role: 'viewer' });
    for (const tok of [undefined, viewerTok, 'garbage']) {
      const res = await fetch(`${h.url}/metrics`, { headers: tok ? { authorization: `Bearer ${tok}` } : {} });
      expect(res.status).toBe(403);
      expect((await res.json()).error).toBe('forbidden');
    }
    expect(value(await scrape(h, adminTok), 'insight_hub_engine_up')).toBe(1);
    const audit = await (
      await fetch(`${h.url}/api/audit?kind=denied`, { headers: { authorization: `Bearer ${adminTok}` } })
    ).json();
    expect(audit.entries.map((e: { action: string; sub?: string }) => `${e.action}:${e.sub ?? '-'}`)).toEqual([
      'metrics:-',
      'metrics:vic',
      'metrics:-',
    ]);

    const open = await hub();
    expect((await fetch(`${open.url}/metrics`)).status).toBe(200);
  });

  it('trusts loopback only under the hub own Host names (a rebound name needs a token)', async () => {
    const h = await hub();
    const get = (host: string, tok?: string) =>
      httpRequest(h, 'GET', '/metrics', { headers: { host, ...(tok ? { authorization: `Bearer ${tok}` } : {}) } });
    const rebound = await get(`attacker.example:${h.port}`);
    expect(rebound.status).toBe(403);
    expect(rebound.body.error).toBe('forbidden');
    expect(rebound.text).not.toContain('insight_hub_');
    expect((await get(`localhost:${h.port}`)).status).toBe(200);
    expect((await get(`127.0.0.1:${h.port}`)).status).toBe(200);
    expect((await get(`attacker.example:${h.port}`, await token(h, { sub: 'root', role: 'admin' }))).status).toBe(200);
  });
});

describe('the strict exposition parser these tests rely on', () => {
  const valid = [
    '# HELP a_total A counter.',
    '# TYPE a_total counter',
    'a_total{k="v"} 3',
    '# HELP h A histogram.',
    '# TYPE h histogram',
    'h_bucket{le="0.1"} 1',
    'h_bucket{le="+Inf"} 2',
    'h_sum 0.3',
    'h_count 2',
    '',
  ].join('\n');

  it('accepts well-formed text', () => {
    const families = parseExposition(valid);
    expect(families.get('a_total')).toEqual({
      name: 'a_total',
      type: 'counter',
      help: 'A counter.',
      samples: [{ name: 'a_total', labels: { k: 'v' }, value: 3 }],
    });
    expect(families.get('h')!.samples).toHaveLength(4);
  });

  it.each([
    ['a sample without metadata', 'x 1\n'],
    ['an unquoted label value', '# TYPE a gauge\na{k=v} 1\n'],
    ['a bad escape', '# TYPE a gauge\na{k="\\q"} 1\n'],
    ['a value that is not a number', '# TYPE a gauge\na one\n'],
    ['a negative counter', '# TYPE a counter\na -1\n'],
    ['a duplicate series', '# TYPE a gauge\na{k="1"} 1\na{k="1"} 2\n'],
    ['an unknown type', '# TYPE a meter\na 1\n'],
    ['a missing final newline', '# TYPE a gauge\na 1'],
    ['interleaved families', '# TYPE a gauge\n# TYPE b gauge\nb 1\na 1\nb{x="y"} 2\n'],
    ['non-cumulative buckets', '# TYPE h histogram\nh_bucket{le="1"} 3\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 2\n'],
    ['no +Inf bucket', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_sum 1\nh_count 2\n'],
    ['+Inf differing from count', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n'],
  ])('rejects %s', (_what, text) => {
    expect(() => parseExposition(text)).toThrow();
  });
});
