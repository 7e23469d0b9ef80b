/**
 * Sleep and wake from Electron's powerMonitor, passed to the hub process: on `suspend` the hub tells
 * its clients and closes them (they reconnect later), on `resume` it checks every socket at once.
 * The monitor and the hub are passed in, so a test drives this with a plain EventEmitter.
 */
import type { MainToHub } from './hub-channel.js';

export interface PowerMonitorLike {
  on(event: 'suspend' | 'resume', listener: () => void): unknown;
}

export interface PowerNotified {
  notify(message: Extract<MainToHub, { type: 'suspend' | 'resume' }>): void;
}

export function relayPowerEvents(power: PowerMonitorLike, hub: PowerNotified, log: (message: string) => void): void {
  power.on('suspend', () => {
    log('the computer is going to sleep: telling the hub');
    hub.notify({ type: 'suspend' });
  });
  power.on('resume', () => {
    log('the computer woke: the hub checks its connections');
    hub.notify({ type: 'resume' });
  });
}
