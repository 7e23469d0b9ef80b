/** Monotonic microseconds from process.hrtime.bigint(); exact as a Number for centuries of uptime. */
export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
