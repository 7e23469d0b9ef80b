/**
 * Node adds a field to a stream's writable state on its first finished write (`writecb`, set back
 * to null). V8 settles how many fields a shape keeps inside its objects from the first few objects
 * made with it: when none of those had written yet, every socket's writable state, and ws's frame
 * receiver's, keeps that field in a separate 40-byte array for the connection's life. A few streams
 * written once at load, before any socket exists, keep it in-object: 64 bytes less per connection
 * (`test/bench/tools/heap-snapshots.ts`). In a process whose streams wrote first anyway this
 * changes nothing.
 */
import { Writable } from 'node:stream';

/** More than V8's slack-tracking count (7 constructions) of the shape. */
const STREAMS = 8;

for (let i = 0; i < STREAMS; i++) {
  new Writable({ write: (_chunk, _encoding, done) => done() }).write('x');
}
