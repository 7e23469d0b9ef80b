/**
 * The machine a run happens on, and how busy it was with other work. The benchmark shares its
 * cores with whatever else runs there; each measurement reports that background share so a
 * disturbed figure can be recognised.
 */
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  kernel: string;
  pinned: boolean;
}

export function describeMachine(pinned: boolean): MachineInfo {
  const list = cpus();
  let kernel = '';
  try {
    kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    // not Linux: the platform field says enough
  }
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    kernel,
    pinned,
  };
}

/** Busy CPU time of the whole machine in ms (all cores), or null where /proc/stat is missing. */
export function machineBusyMs(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: everything but idle and iowait is busy
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
    return (busy * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

function statTicks(path: string, fields: number[]): number {
  const text = readFileSync(path, 'utf8');
  // Fields after the command name, which may itself contain spaces and parentheses.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return fields.reduce((sum, f) => sum + Number(rest[f - 3]), 0);
}

/** CPU time of this process tree in ms: ourselves, children already reaped, and live `pids`. */
function treeCpuMs(pids: number[]): number {
  let ticks = statTicks('/proc/self/stat', [14, 15, 16, 17]);
  for (const pid of pids) {
    try {
      ticks += statTicks(`/proc/${pid}/stat`, [14, 15]);
    } catch {
      // exited since: its time is in our children's total once reaped
    }
  }
  return ticks * 10;
}

/**
 * Share of the whole machine (all cores) used by other processes over a window: machine busy time
 * minus the time of this run's own processes.
 */
export function backgroundMeter(pids: () => number[]): { stop(): number | null } {
  try {
    const busy0 = machineBusyMs();
    const ours0 = treeCpuMs(pids());
    const wall0 = performance.now();
    return {
      stop() {
        const busy1 = machineBusyMs();
        if (busy0 === null || busy1 === null) return null;
        const ours = treeCpuMs(pids()) - ours0;
        const wall = performance.now() - wall0;
        return Math.max(0, (100 * (busy1 - busy0 - ours)) / (wall * cpus().length));
      },
    };
  } catch {
    return { stop: () => null };
  }
}
