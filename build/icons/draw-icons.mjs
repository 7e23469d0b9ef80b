#!/usr/bin/env node
// Draws the app and tray icons (a hub: a centre node joined to six others) as PNGs, so the
// artwork is reproducible from this file: `node build/icons/draw-icons.mjs`.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const satellites = Array.from({ length: 6 }, (_, i) => [
  0.5 + 0.3 * Math.cos((i * Math.PI) / 3 - Math.PI / 2),
  0.5 + 0.3 * Math.sin((i * Math.PI) / 3 - Math.PI / 2),
]);
const segDist = (px, py, [ax, ay], [bx, by]) => {
  const t = Math.max(
    0,
    Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)),
  );
  return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
};

/** Colour at a point of the unit square, or null for transparent. */
function paint(x, y) {
  const node = Math.hypot(x - 0.5, y - 0.5) < 0.12 || satellites.some(([sx, sy]) => Math.hypot(x - sx, y - sy) < 0.07);
  const spoke = satellites.some((s) => segDist(x, y, [0.5, 0.5], s) < 0.025);
  if (node || spoke) return [0xf2, 0xf6, 0xff, 255];
  // Rounded square background.
  const r = 0.18;
  const dx = Math.max(Math.abs(x - 0.5) - (0.5 - r - 0.02), 0);
  const dy = Math.max(Math.abs(y - 0.5) - (0.5 - r - 0.02), 0);
  return Math.hypot(dx, dy) < r ? [0x1f, 0x5f, 0xd6, 255] : null;
}

function draw(size) {
  const out = Buffer.alloc(size * size * 4);
  const ss = 4; // supersampling per axis
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0];
      for (let j = 0; j < ss; j++) {
        for (let i = 0; i < ss; i++) {
          const c = paint((x + (i + 0.5) / ss) / size, (y + (j + 0.5) / ss) / size);
          if (!c) continue;
          for (let k = 0; k < 3; k++) acc[k] += c[k] * c[3];
          acc[3] += c[3];
        }
      }
      const o = (y * size + x) * 4;
      if (acc[3] > 0) for (let k = 0; k < 3; k++) out[o + k] = Math.round(acc[k] / acc[3]);
      out[o + 3] = Math.round(acc[3] / (ss * ss));
    }
  }
  return png(size, out);
}

const here = new URL('.', import.meta.url);
writeFileSync(new URL('icon.png', here), draw(512));
writeFileSync(new URL('tray-icon.png', here), draw(32));
console.log('wrote icon.png (512) and tray-icon.png (32)');
