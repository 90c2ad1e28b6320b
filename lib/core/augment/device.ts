import { tf } from "../backend/tf.ts";
import type { EpochDraws } from "./draws.ts";
import type { AugmentConfig } from "./params.ts";

/** Pads a batch of NHWC images by reflection on both spatial sides (done once, before training). */
export function padReflect(x: tf.Tensor4D, pad: number): tf.Tensor4D {
  return pad === 0 ? x.clone() : tf.mirrorPad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]], "reflect");
}

/** One epoch's draws on the device, to be sliced per batch without further host-device traffic. */
export interface DeviceDraws {
  order: tf.Tensor1D;
  /** Crop boxes for cropAndResize, normalised to the padded size; x1 > x2 encodes a flip. */
  boxes: tf.Tensor2D;
  /** Cutout corners as float (y, x). */
  cut: tf.Tensor2D;
}

/** Uploads one epoch's draws as three tensors (the caller disposes them). */
export function uploadDraws(d: EpochDraws, padded: number, size = 32): DeviceDraws {
  const n = d.order.length, span = padded - 1, boxes = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) {
    const y = d.crop[2 * i], x = d.crop[2 * i + 1];
    const x1 = x / span, x2 = (x + size - 1) / span;
    boxes[4 * i] = y / span;
    boxes[4 * i + 2] = (y + size - 1) / span;
    boxes[4 * i + 1] = d.flip[i] ? x2 : x1;
    boxes[4 * i + 3] = d.flip[i] ? x1 : x2;
  }
  return {
    order: tf.tensor1d(d.order, "int32"),
    boxes: tf.tensor2d(boxes, [n, 4]),
    cut: tf.tensor2d(Float32Array.from(d.cut), [n, 2]),
  };
}

/**
 * The augmented batch of epoch positions [start, start + size): gathers the padded images, crops 32x32 at
 * the drawn offsets (flipped where drawn; one nearest-neighbour cropAndResize, exact on the pixel grid) and
 * zeroes the drawn cutout square. Everything stays on the device; call inside `tf.tidy`.
 */
export function augmentBatch(
  padded: tf.Tensor4D,
  draws: DeviceDraws,
  start: number,
  size: number,
  cfg: AugmentConfig,
  out = 32,
): tf.Tensor4D {
  const idx = draws.order.slice(start, size);
  const images = tf.gather(padded, idx) as tf.Tensor4D;
  const boxes = draws.boxes.slice([start, 0], [size, 4]);
  const boxInd = tf.range(0, size, 1, "int32") as tf.Tensor1D;
  let x = tf.image.cropAndResize(images, boxes, boxInd, [out, out], "nearest");
  if (cfg.cutout > 0) {
    const cut = draws.cut.slice([start, 0], [size, 2]);
    const cy = cut.slice([0, 0], [size, 1]).reshape([size, 1, 1, 1]);
    const cx = cut.slice([0, 1], [size, 1]).reshape([size, 1, 1, 1]);
    const pos = tf.range(0, out, 1, "float32");
    const inY = tf.logicalAnd(
      tf.greaterEqual(pos.reshape([1, out, 1, 1]), cy),
      tf.less(pos.reshape([1, out, 1, 1]), tf.add(cy, cfg.cutout)),
    );
    const inX = tf.logicalAnd(
      tf.greaterEqual(pos.reshape([1, 1, out, 1]), cx),
      tf.less(pos.reshape([1, 1, out, 1]), tf.add(cx, cfg.cutout)),
    );
    x = tf.mul(x, tf.logicalNot(tf.logicalAnd(inY, inX)).cast("float32"));
  }
  return x;
}
