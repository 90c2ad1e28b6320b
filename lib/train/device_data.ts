import { padReflect } from "../augment/mod.ts";
import { tf } from "../backend/mod.ts";
import { type ChannelStats, IMAGE_BYTES, IMAGE_SIZE, type Split } from "../data/mod.ts";

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
 * Puts the first `trainCount` train images (padded by `pad`) and all test images on the device, normalised
 * with the stored statistics.
 */
export function toDevice(
  data: { train: Split; test: Split; stats: ChannelStats },
  trainCount: number,
  pad: number,
): DeviceData {
  if (trainCount < 1 || trainCount > data.train.count) {
    throw new Error(`train subset of ${trainCount} images: must be 1..${data.train.count}`);
  }
  const trainX = normalizeImages(data.train, data.stats, 0, trainCount, pad);
  const testX = normalizeImages(data.test, data.stats);
  const trainY = tf.tensor1d(Int32Array.from(data.train.labels.subarray(0, trainCount)), "int32");
  const testY = tf.tensor1d(Int32Array.from(data.test.labels), "int32");
  return { trainX, trainY, testX, testY, dispose: () => tf.dispose([trainX, trainY, testX, testY]) };
}
