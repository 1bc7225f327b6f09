#!/usr/bin/env node
// Draws the toolbar icons (public/icon/<size>.png): a green rounded square with a white
// check mark, rasterized here so the repository needs no image tools. Run after changing
// the design; the PNGs are committed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const GREEN = [11, 110, 79];
const WHITE = [255, 255, 255];

function crc32(bytes) {
  let crc = -1;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ -1) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function draw(size) {
  const radius = size / 5;
  const stroke = Math.max(1.5, size / 9);
  const check = [
    [0.26, 0.52],
    [0.43, 0.69],
    [0.75, 0.33],
  ].map(([x, y]) => [x * size, y * size]);
  const rows = [];
  const samples = 4;
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      let inside = 0;
      let onCheck = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const px = x + (sx + 0.5) / samples;
          const py = y + (sy + 0.5) / samples;
          const cx = Math.min(Math.max(px, radius), size - radius);
          const cy = Math.min(Math.max(py, radius), size - radius);
          if (Math.hypot(px - cx, py - cy) <= radius) {
            inside++;
            const d = Math.min(
              distanceToSegment(px, py, check[0], check[1]),
              distanceToSegment(px, py, check[1], check[2]),
            );
            if (d <= stroke / 2) onCheck++;
          }
        }
      }
      const total = samples * samples;
      const mix = inside === 0 ? 0 : onCheck / inside;
      const color = GREEN.map((g, i) => Math.round(g + (WHITE[i] - g) * mix));
      row.set([...color, Math.round((255 * inside) / total)], 1 + x * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const folder = join(import.meta.dirname, '..', 'public', 'icon');
for (const size of [16, 32, 48, 128]) writeFileSync(join(folder, `${size}.png`), draw(size));
