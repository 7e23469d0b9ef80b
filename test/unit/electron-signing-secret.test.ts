/**
 * The desktop signing secret is 256 bits in a 0600 file, made once (even by two first runs at
 * once), kept after, tightened back to 0600, and never used when truncated.
 */
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureSigningSecret } from '../../electron/signing-secret.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'insight-secret-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const posix = process.platform !== 'win32';

describe('signing secret', () => {
  it('is generated on first run with 256 bits, mode 0600, in a folder it creates', async () => {
    const file = join(dir, 'hub', 'signing-secret');
    const made = await ensureSigningSecret(file);
    expect(made.generated).toBe(true);
    expect(Buffer.from(made.secret, 'base64url')).toHaveLength(32);
    expect((await readFile(file, 'utf8')).trim()).toBe(made.secret);
    if (posix) expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('is kept on later runs', async () => {
    const file = join(dir, 'signing-secret');
    const first = await ensureSigningSecret(file);
    const second = await ensureSigningSecret(file);
    expect(second).toEqual({ secret: first.secret, generated: false });
  });

  it('gets its mode tightened back to 0600 when it was loosened', async () => {
    if (!posix) return;
    const file = join(dir, 'signing-secret');
    await ensureSigningSecret(file);
    await chmod(file, 0o644);
    await ensureSigningSecret(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses a truncated secret instead of signing with it', async () => {
    const file = join(dir, 'signing-secret');
    await writeFile(file, 'short\n', { mode: 0o600 });
    await expect(ensureSigningSecret(file)).rejects.toThrow(/too short/);
    expect(await readFile(file, 'utf8')).toBe('short\n');
  });

  it('two first runs at once end with one secret', async () => {
    const file = join(dir, 'signing-secret');
    const [a, b] = await Promise.all([ensureSigningSecret(file), ensureSigningSecret(file)]);
    expect(a.secret).toBe(b.secret);
    expect([a, b].filter((s) => s.generated)).toHaveLength(1);
    expect((await readFile(file, 'utf8')).trim()).toBe(a.secret);
  });
});
