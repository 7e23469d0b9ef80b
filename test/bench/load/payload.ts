/**
 * The benchmark's event payload and the byte-level reads on the receive path. Every server under
 * test forwards `data` untouched, so the same marker finds the publisher's stamp in all of them
 * without parsing JSON.
 */
export const TS_MARKER = Buffer.from('"ts":');
const SEQ_MARKER = Buffer.from('"seq":');

/** `data` of a published event: the send time in µs and padding up to about `bytes`. */
export function eventData(sentUs: number, pad: string): string {
  return '{"ts":' + sentUs + ',"pad":"' + pad + '"}';
}

export function padFor(bytes: number): string {
  return 'x'.repeat(Math.max(0, bytes - 32));
}

/** The unsigned integer written at `pos` (digits until the first non-digit). */
export function readUint(buf: Buffer, pos: number): number {
  let value = 0;
  for (let i = pos; i < buf.length; i++) {
    const c = buf[i] - 48;
    if (c < 0 || c > 9) break;
    value = value * 10 + c;
  }
  return value;
}

/** The stamp of a delivery whose marker starts at `markerAt`. */
export function stampAt(buf: Buffer, markerAt: number): number {
  return readUint(buf, markerAt + TS_MARKER.length);
}

/** The envelope's `seq`, or -1 when it carries none. */
export function seqOf(buf: Buffer): number {
  const at = buf.indexOf(SEQ_MARKER);
  return at < 0 ? -1 : readUint(buf, at + SEQ_MARKER.length);
}
