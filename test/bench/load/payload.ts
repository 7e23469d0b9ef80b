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

/**
 * Where the stamp's marker starts in `buf`, -1 when it has none. `hint` is where it was in the
 * previous delivery: a server's envelope keeps its layout, so one 5-byte comparison usually
 * replaces the search (a native call per frame, a third of the generator's time at 1M/s). Only
 * `data` carries the marker, so a match at the hint is the one the search would find.
 */
export function markerIn(buf: Buffer, hint: number): number {
  if (hint >= 0 && hint + TS_MARKER.length <= buf.length && markerAt(buf, hint)) return hint;
  return buf.indexOf(TS_MARKER);
}

function markerAt(buf: Buffer, at: number): boolean {
  for (let i = 0; i < TS_MARKER.length; i++) if (buf[at + i] !== TS_MARKER[i]) return false;
  return true;
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
