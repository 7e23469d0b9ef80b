#!/usr/bin/env node
// The CLI as users run it: compiled JavaScript (dist/cli.js, built by `npm run build`, which
// `npm install` runs through `prepare`), no TypeScript loader.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('insight-hub: dist/cli.js is missing; build it first with `npm run build`.');
  process.exit(1);
}
await import(cli.href);
