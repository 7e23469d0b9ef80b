/** Memory and CPU of the hub process, with CPU as a share of one core since the previous sample. */
import { getHeapStatistics } from 'node:v8';

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
  private lastRss = 0;

  sample(): ProcessSample {
    const cpu = process.cpuUsage();
    const at = performance.now();
    const usedMicros = cpu.user - this.lastCpu.user + (cpu.system - this.lastCpu.system);
    const wallMicros = (at - this.lastAt) * 1000;
    this.lastCpu = cpu;
    this.lastAt = at;
    const mem = memoryUsage(this.lastRss);
    this.lastRss = mem.rss;
    return {
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      heapTotalBytes: mem.heapTotal,
      cpuPercent: wallMicros > 0 ? Math.round((usedMicros / wallMicros) * 1000) / 10 : 0,
    };
  }
}

/**
 * process.memoryUsage() opens /proc/self/statm and throws EMFILE when descriptors run out, which
 * is exactly when the figures matter: then the heap comes from V8 (no file) and RSS stays the last known.
 */
export function memoryUsage(lastRss = 0): { rss: number; heapUsed: number; heapTotal: number } {
  try {
    return process.memoryUsage();
  } catch {
    const heap = getHeapStatistics();
    return { rss: lastRss, heapUsed: heap.used_heap_size, heapTotal: heap.total_heap_size };
  }
}
