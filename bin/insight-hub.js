#!/usr/bin/env node
// The CLI as users run it: compiled JavaScript (dist/cli.js, in the package; in a clone, built by
// `npm run build`, `npm start` or `npm test`), no TypeScript loader.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('insight-hub: dist/cli.js is missing; build it first with `npm run build`.');
  process.exit(1);
}
await import(cli.href);
