/** Memory and CPU of the hub process, with CPU as a share of one core since the previous sample. */

export interface ProcessSample {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** User + system CPU time over wall time since the last sample, in percent of one core. */
  cpuPercent: number;
}

export class ProcessUsage {
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();

  sample(): ProcessSample {
    const cpu = process.cpuUsage();
    const at = performance.now();
    const usedMicros = cpu.user - this.lastCpu.user + (cpu.system - this.lastCpu.system);
    const wallMicros = (at - this.lastAt) * 1000;
    this.lastCpu = cpu;
    this.lastAt = at;
    const mem = process.memoryUsage();
    return {
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      heapTotalBytes: mem.heapTotal,
      cpuPercent: wallMicros > 0 ? Math.round((usedMicros / wallMicros) * 1000) / 10 : 0,
    };
  }
}
