/**
 * Starting the hub tells a new user what is wrong: a taken port, bad configuration (key,
 * expectation, value), a refusing Redis (URL without password) each fail the start clearly; logs
 * are lines on a terminal and JSON otherwise.
 */
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_SECRET, connect, runCli, serveHub, tempDir, until, type CliRun } from '../support/hub.js';
import { freePort } from '../support/redis-server.js';

const running: CliRun[] = [];
afterAll(() => {
  for (const run of running) if (run.child.exitCode === null) run.child.kill('SIGKILL');
});

async function serveFails(args: string[], env: Record<string, string | undefined> = {}): Promise<string> {
  const run = runCli(['serve', '--data-dir', tempDir(), ...args], { INSIGHT_HUB_SECRET: TEST_SECRET, ...env });
  running.push(run);
  expect(await run.exited).toBe(1);
  expect(run.stderr()).not.toMatch(/listening on/);
  return run.stderr();
}

function configFile(text: string): string {
  const file = join(tempDir(), 'hub.json');
  writeFileSync(file, text);
  return file;
}

describe('start-up', { timeout: 60_000 }, () => {
  it('a taken port says to pass --port, with the npm start form', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const stderr = await serveFails(['--port', String(port), '--host', '127.0.0.1']);
      expect(stderr).toContain(`port ${port} is in use — pass --port (npm start -- --port ${port + 1})`);
      expect(stderr).not.toContain('EADDRINUSE');
    } finally {
      blocker.close();
    }
  });

  it('refuses a config file with a wrong type, a misspelt key, an out-of-range limit, or a JSON syntax error', async () => {
    const file = configFile('{"port": "seventy", "histroy": {"maxMessages": 5}, "limits": {"messagesPerSecond": -1}}');
    const stderr = await serveFails(['--config', file]);
    expect(stderr).toContain(`config file ${file}:`);
    expect(stderr).toContain('port must be an integer from 0 to 65535, got string "seventy"');
    expect(stderr).toContain('histroy is not a setting (did you mean history?)');
    expect(stderr).toContain('limits.messagesPerSecond must be an integer from 1 to 1000000, got number -1');
    expect(stderr).not.toContain('undefined');

    const broken = configFile('{\n  "port": 7420,\n  "host": "127.0.0.1"\n  "redis": "redis://x"\n}\n');
    expect(await serveFails(['--config', broken])).toMatch(/not valid JSON at line 4, column 3/);
    expect(await serveFails(['--config', configFile('[]')])).toContain('must be a JSON object');
  });

  it('refuses bad flags and variables by their own names', async () => {
    const flags = await serveFails(['--port', 'seventy', '--rate', '-1', '--log-format', 'xml']);
    expect(flags).toContain('--port must be an integer from 0 to 65535, got string "seventy"');
    expect(flags).toContain('--rate must be an integer from 1 to 1000000, got number -1');
    expect(flags).toContain('--log-format must be one of pretty, json, got string "xml"');
    const env = await serveFails([], { INSIGHT_HUB_PORT: '70000', INSIGHT_HUB_PUBLIC_URL: 'colleagues' });
    expect(env).toContain('INSIGHT_HUB_PORT must be an integer from 0 to 65535, got number 70000');
    expect(env).toContain('INSIGHT_HUB_PUBLIC_URL must be an http:// or https:// URL');
  });

  it('a refused Redis fails at once with the URL, its password hidden', async () => {
    const port = await freePort();
    const stderr = await serveFails(['--port', '0', '--redis', `redis://hub:hunter2-secret@127.0.0.1:${port}/1`]);
    expect(stderr).toContain(`cannot connect to Redis at redis://hub:***@127.0.0.1:${port}/1`);
    expect(stderr).toContain('ECONNREFUSED');
    // Failed on the refusal itself, not after waiting out the connect timeout.
    expect(stderr).not.toMatch(/within \d+ ms/);
    expect(stderr).not.toContain('hunter2');
  });

  it('logs JSON records on stdout when it is not a terminal, human lines with --log-format pretty', async () => {
    const json = await serveHub([], { INSIGHT_HUB_LOG_LEVEL: 'info' });
    running.push(json);
    await until(() => json.stdout().includes('hub listening'), 10_000, 'the listening record');
    const record = JSON.parse(
      json
        .stdout()
        .split('\n')
        .find((l) => l.includes('hub listening'))!,
    );
    expect(record).toMatchObject({ level: 30, msg: 'hub listening', engine: 'memory' });
    // The human start-up text (stderr) has no JSON in it.
    expect(json.stderr()).not.toMatch(/^\{/m);

    const pretty = await serveHub(['--log-format', 'pretty'], { INSIGHT_HUB_LOG_LEVEL: 'info' });
    running.push(pretty);
    await until(() => pretty.stdout().includes('hub listening'), 10_000, 'the listening line');
    const line = pretty
      .stdout()
      .split('\n')
      .find((l) => l.includes('hub listening'))!;
    expect(line).toMatch(/^\d\d:\d\d:\d\d INFO {2}hub listening url=http:\/\/127\.0\.0\.1:\d+ engine=memory/);
    expect(pretty.stdout()).not.toMatch(/^\{/m);
    const c = await connect(
      pretty.hub,
      await pretty.hub.mintToken({ sub: 'p', role: 'viewer', rooms: [], ttlSec: 60 }),
    );
    expect(c.welcome.type).toBe('welcome');
    c.close();
  });

  it("mints a service token with `token --role service --room 'dashboard:*'` that publishes over REST", async () => {
    const run = runCli(['token', '--role', 'service', '--room', 'dashboard:*'], { INSIGHT_HUB_SECRET: TEST_SECRET });
    expect(await run.exited).toBe(0);
    const tok = run.stdout().trim();
    expect(JSON.parse(Buffer.from(tok.split('.')[1]!, 'base64url').toString())).toMatchObject({
      sub: 'service',
      role: 'service',
      rooms: ['dashboard:*'],
    });
    const served = await serveHub();
    running.push(served);
    const res = await fetch(`${served.hub.url}/api/rooms/dashboard:42/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'alert', data: { id: 'a', severity: 'info', title: 't', body: 'b' } }),
    });
    expect(res.status).toBe(201);

    const roomless = runCli(['token', '--role', 'service'], { INSIGHT_HUB_SECRET: TEST_SECRET });
    expect(await roomless.exited).toBe(1);
    expect(roomless.stderr()).toContain("--room <pattern>, e.g. --room 'dashboard:*'");
    expect(roomless.stdout()).toBe('');
  });
});
