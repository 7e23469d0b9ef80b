/**
 * Entry of the hub process. Electron main starts it with `utilityProcess.fork` and talks over
 * `process.parentPort`; it runs just as well as a plain Node child (`child_process.fork`, talking
 * over `process.send`), which is how the tests run it. No Electron import here.
 *
 *   hub-process --user-data <dir> [--web-root <dir>] [--log-level <level>]
 */
import { parseArgs } from 'node:util';
import type { HubToMain } from './hub-channel.js';
import { runHubHost, type ParentChannel } from './hub-host.js';

interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

/** Electron's utility process gives `process` a `parentPort`; plain Node has none. */
function hasParentPort(p: object): p is { parentPort: ParentPortLike } {
  return 'parentPort' in p && typeof p.parentPort === 'object' && p.parentPort !== null;
}

function parentChannel(): ParentChannel {
  const parentPort = hasParentPort(process) ? process.parentPort : undefined;
  if (parentPort) {
    return {
      post: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
    };
  }
  if (process.send) {
    return {
      post: (message: HubToMain) => {
        // A parent that went away cannot hear us; the disconnect handler below drains.
        if (process.connected) process.send!(message);
      },
      onMessage: (listener) => process.on('message', listener),
    };
  }
  // Run by hand: report to stdout, take no orders.
  return { post: (message) => console.log(JSON.stringify(message)), onMessage: () => undefined };
}

const { values } = parseArgs({
  options: {
    'user-data': { type: 'string' },
    'web-root': { type: 'string' },
    'log-level': { type: 'string' },
  },
  strict: true,
});
const userDataDir = values['user-data'];
if (!userDataDir) {
  console.error('usage: hub-process --user-data <dir> [--web-root <dir>] [--log-level <level>]');
  process.exit(64);
}

const host = runHubHost({
  userDataDir,
  webRoot: values['web-root'],
  logLevel: values['log-level'],
  channel: parentChannel(),
  exit: (code) => process.exit(code),
});

const drain = (): void => {
  host.drain().catch((err: Error) => console.error(`[hub-process] drain failed: ${err.message}`));
};
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, drain);
// A Node parent that dies takes the IPC channel with it; nobody would stop this hub otherwise.
process.once('disconnect', drain);
