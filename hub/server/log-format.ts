/**
 * Logs a person reads on a terminal: `12:04:31 INFO  hub listening url=http://… engine=memory`,
 * one line per record. pino still builds each record (redaction included); this only prints it.
 * JSON stays the format when the output is not a terminal (a file, a collector) or when asked.
 */
import type { DestinationStream } from 'pino';

export type LogFormat = 'pretty' | 'json';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
/** Fields every record has, said by the line's shape instead. */
const IMPLIED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service']);

/** `--log-format`, else pretty on a terminal and JSON elsewhere. */
export function chooseLogFormat(asked: LogFormat | undefined, stream: { isTTY?: boolean } = process.stdout): LogFormat {
  return asked ?? (stream.isTTY ? 'pretty' : 'json');
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text;
}

/** One JSON record from pino as one readable line. */
export function prettyLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = new Date(typeof record.time === 'number' ? record.time : Date.now()).toTimeString().slice(0, 8);
  const level = LEVELS[record.level as number] ?? String(record.level);
  const rest = Object.entries(record)
    .filter(([k]) => !IMPLIED.has(k))
    .map(([k, v]) => `${k}=${show(v)}`)
    .join(' ');
  return `${time} ${level} ${typeof record.msg === 'string' ? record.msg : record.msg === undefined ? '' : show(record.msg)}${rest ? ` ${rest}` : ''}\n`;
}

/** A pino destination writing readable lines to `out` (stdout by default). */
export function prettyDestination(out: { write(text: string): unknown } = process.stdout): DestinationStream {
  return { write: (json: string) => void out.write(prettyLine(json)) };
}
