import { deflateSync } from "node:zlib";
import { concatBytes } from "../io/mod.ts";

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/** Encodes 8-bit RGB pixels (`height` rows of `width * 3` bytes) as a PNG file. */
export function encodePng(pixels: Uint8Array, width: number, height: number): Uint8Array {
  if (pixels.length !== width * height * 3) {
    throw new Error(`encodePng: ${pixels.length} bytes for ${width}x${height} RGB`);
  }
  const raw = new Uint8Array(height * (width * 3 + 1));
  for (let y = 0; y < height; y++) {
    raw.set(pixels.subarray(y * width * 3, (y + 1) * width * 3), y * (width * 3 + 1) + 1);
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return concatBytes([
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk("IHDR", ihdr),
    chunk("IDAT", new Uint8Array(deflateSync(raw))),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

/**
 * Tiles HWC uint8 images (each `size` x `size` RGB) into a grid of `cols` columns with a 2-pixel white gap,
 * scaled up `zoom` times (nearest neighbour) so 32x32 images are visible; returns the RGB pixels and size.
 */
export function tileImages(
  images: Uint8Array[],
  cols: number,
  size = 32,
  zoom = 3,
): { pixels: Uint8Array; width: number; height: number } {
  const rows = Math.ceil(images.length / cols), gap = 2, cell = size * zoom + gap;
  const width = cols * cell + gap, height = rows * cell + gap;
  const pixels = new Uint8Array(width * height * 3).fill(255);
  images.forEach((img, i) => {
    const ox = gap + (i % cols) * cell, oy = gap + Math.floor(i / cols) * cell;
    for (let y = 0; y < size * zoom; y++) {
      for (let x = 0; x < size * zoom; x++) {
        const s = (Math.floor(y / zoom) * size + Math.floor(x / zoom)) * 3;
        const d = ((oy + y) * width + ox + x) * 3;
        pixels[d] = img[s];
        pixels[d + 1] = img[s + 1];
        pixels[d + 2] = img[s + 2];
      }
    }
  });
  return { pixels, width, height };
}
