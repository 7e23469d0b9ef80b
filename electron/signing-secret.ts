/**
 * The HS256 secret the desktop hub signs and verifies tokens with: generated on first run, kept in
 * the user-data folder, readable by this user only. Whoever reads it can mint admin tokens.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export const SECRET_BYTES = 32;
const MIN_SECRET_CHARS = 32;

export interface SigningSecret {
  secret: string;
  generated: boolean;
}

export async function ensureSigningSecret(file: string): Promise<SigningSecret> {
  try {
    const secret = (await readFile(file, 'utf8')).trim();
    if (secret.length >= MIN_SECRET_CHARS) {
      // A copy or a restore may have loosened the mode; tighten it again (a no-op on Windows).
      if (process.platform !== 'win32' && ((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
      return { secret, generated: false };
    }
    throw new Error(`signing secret in ${file} is too short; remove the file to generate a new one`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  // Write it whole under a temporary name, then link it into place: `link` refuses to replace a
  // secret another process put there meanwhile, and nobody ever reads a half-written file.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { secret: (await readFile(file, 'utf8')).trim(), generated: false };
  } finally {
    await unlink(tmp);
  }
  return { secret, generated: true };
}
