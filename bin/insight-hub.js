#!/usr/bin/env node
// Runs the built CLI when present; in a source checkout without a build, runs the TypeScript directly.
import { existsSync } from 'node:fs';

const built = new URL('../dist/hub/cli.js', import.meta.url);
const source = new URL('../hub/cli.ts', import.meta.url);
if (existsSync(source) && process.env.INSIGHT_HUB_USE_BUILD !== '1') {
  const { register } = await import('tsx/esm/api').catch(() => ({ register: null }));
  if (register) {
    register();
    await import(source.href);
  } else {
    await import(built.href);
  }
} else {
  await import(built.href);
}
