/** Test support shared by every hub helper: the signing secret the test hubs use, and scratch directories. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export function tempDir(prefix = 'insight-hub-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
