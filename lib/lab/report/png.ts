import { encode } from "fast-png";

/** Encodes 8-bit RGB pixels (`height` rows of `width * 3` bytes) as a PNG file (with fast-png). */
export function encodePng(pixels: Uint8Array, width: number, height: number): Uint8Array {
  if (pixels.length !== width * height * 3) {
    throw new Error(`encodePng: ${pixels.length} bytes for ${width}x${height} RGB`);
  }
  return encode({ width, height, data: pixels, channels: 3, depth: 8 });
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
