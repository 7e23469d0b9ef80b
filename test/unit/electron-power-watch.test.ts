/** Main's power relay with an injected power monitor: sleep and wake reach the hub, nothing else does. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { relayPowerEvents } from '../../electron/power-watch.js';
import { isMainToHub, type MainToHub } from '../../electron/hub-channel.js';

describe('relayPowerEvents', () => {
  it('passes suspend and resume to the hub, in order, as messages the hub accepts', () => {
    const power = new EventEmitter();
    const sent: MainToHub[] = [];
    const logged: string[] = [];
    relayPowerEvents(power, { notify: (m) => void sent.push(m) }, (line) => void logged.push(line));
    power.emit('lock-screen');
    expect(sent).toEqual([]);
    power.emit('suspend');
    power.emit('resume');
    expect(sent).toEqual([{ type: 'suspend' }, { type: 'resume' }]);
    expect(sent.every(isMainToHub)).toBe(true);
    expect(logged).toHaveLength(2);
  });

  it('the hub channel refuses look-alikes of the power messages', () => {
    expect(isMainToHub({ type: 'suspend' })).toBe(true);
    expect(isMainToHub({ type: 'Suspend' })).toBe(false);
    expect(isMainToHub({ type: 'sleep' })).toBe(false);
    expect(isMainToHub(['resume'])).toBe(false);
  });
});
