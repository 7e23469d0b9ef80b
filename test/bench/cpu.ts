/** CPU time of this process over a window, as a share of one core. */
export interface CpuShare {
  cpuMs: number;
  /** Kernel share of cpuMs: on loopback much of the socket work is system time. */
  systemMs: number;
  wallMs: number;
  /** 100 = one core fully busy. */
  percent: number;
}

export function cpuMeter(): { stop(): CpuShare } {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  return {
    stop() {
      const d = process.cpuUsage(cpu0);
      const cpuMs = (d.user + d.system) / 1000;
      const wallMs = performance.now() - wall0;
      return { cpuMs, systemMs: d.system / 1000, wallMs, percent: wallMs > 0 ? (100 * cpuMs) / wallMs : 0 };
    },
  };
}
