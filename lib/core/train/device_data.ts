import { padReflect } from "../augment/mod.ts";
import { tf } from "../backend/tf.ts";
import { type ChannelStats, IMAGE_BYTES, IMAGE_SIZE, type Split } from "../data/types.ts";

/** The data set on the device, normalised once; train images also padded once for cropping. */
export interface DeviceData {
  trainX: tf.Tensor4D;
  trainY: tf.Tensor1D;
  testX: tf.Tensor4D;
  testY: tf.Tensor1D;
  /** Frees every tensor. */
  dispose(): void;
}

const CHUNK = 2500;

/** Normalises images [from, from + n) of `split` with `stats` into a float32 NHWC tensor, then pads them. */
export function normalizeImages(
  split: Split,
  stats: ChannelStats,
  from = 0,
  n = split.count,
  pad = 0,
): tf.Tensor4D {
  const parts: tf.Tensor4D[] = [];
  const mean = tf.tensor1d(stats.mean.map((m) => m * 255));
  const std = tf.tensor1d(stats.std.map((s) => s * 255));
  try {
    for (let i = from; i < from + n; i += CHUNK) {
      const k = Math.min(CHUNK, from + n - i);
      const pixels = Float32Array.from(split.images.subarray(i * IMAGE_BYTES, (i + k) * IMAGE_BYTES));
      parts.push(tf.tidy(() => {
        const x = tf.tensor4d(pixels, [k, IMAGE_SIZE, IMAGE_SIZE, 3]);
        return padReflect(tf.div(tf.sub(x, mean), std) as tf.Tensor4D, pad);
      }));
    }
    return parts.length === 1 ? parts[0] : tf.concat(parts);
  } finally {
    if (parts.length > 1) tf.dispose(parts);
    tf.dispose([mean, std]);
  }
}

/**
 * Puts the first `trainCount` train images (padded by `pad`) and the first `testCount` (default: all) test
 * images on the device, normalised with the stored statistics.
 */
export function toDevice(
  data: { train: Split; test: Split; stats: ChannelStats },
  trainCount: number,
  pad: number,
  testCount = data.test.count,
): DeviceData {
  if (trainCount < 1 || trainCount > data.train.count) {
    throw new Error(`train subset of ${trainCount} images: must be 1..${data.train.count}`);
  }
  const trainX = normalizeImages(data.train, data.stats, 0, trainCount, pad);
  const testX = normalizeImages(data.test, data.stats, 0, testCount);
  const trainY = tf.tensor1d(Int32Array.from(data.train.labels.subarray(0, trainCount)), "int32");
  const testY = tf.tensor1d(Int32Array.from(data.test.labels.subarray(0, testCount)), "int32");
  return { trainX, trainY, testX, testY, dispose: () => tf.dispose([trainX, trainY, testX, testY]) };
}

/** Undoes the normalisation of NHWC images (cropping any padding to the centre 32x32 is the caller's) into
 * HWC uint8 images, for display. */
export async function denormalizeImages(x: tf.Tensor4D, stats: ChannelStats): Promise<Uint8Array[]> {
  const px = tf.tidy(() =>
    tf.clipByValue(
      tf.round(tf.add(tf.mul(x, stats.std.map((s) => s * 255)), stats.mean.map((m) => m * 255))),
      0,
      255,
    )
  );
  try {
    const all = Uint8Array.from(await px.data());
    const per = x.shape[1] * x.shape[2] * x.shape[3];
    return Array.from({ length: x.shape[0] }, (_, i) => all.subarray(i * per, (i + 1) * per));
  } finally {
    px.dispose();
  }
}
