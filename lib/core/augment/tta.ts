import { tf } from "../backend/tf.ts";

/** The test-time augmentations that evaluation (`predictLogits` in lib/core/train) offers. */
export const TTA_MODES = ["none", "flip", "flip-translate", "airbench"] as const;
/** One of {@link TTA_MODES}. */
export type TtaMode = typeof TTA_MODES[number];

/** `x` (NHWC) shifted by `dy`, `dx` pixels, the uncovered border filled by reflection (as the training crops). */
function translate(x: tf.Tensor4D, dy: number, dx: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const p = Math.max(Math.abs(dy), Math.abs(dx));
    const padded = tf.mirrorPad(x, [[0, 0], [p, p], [p, p], [0, 0]], "reflect");
    return padded.slice([0, p - dy, p - dx, 0], [-1, h, w, -1]);
  });
}

/** The views of `x` that a test-time augmentation sums over, each with its weight (call inside `tf.tidy`). */
export function ttaViews(x: tf.Tensor4D, tta: TtaMode): [tf.Tensor4D, number][] {
  if (tta === "none") return [[x, 1]];
  const both = (v: tf.Tensor4D, w: number): [tf.Tensor4D, number][] => [[v, w], [tf.reverse(v, 2), w]];
  if (tta === "flip") return both(x, 1);
  // flip-translate: 6 equal views, 2-pixel shifts; airbench94.py `infer_mirror_translate`: the mirror pair at
  // half the weight, the two 1-pixel shifts' mirror pairs at a quarter each (x4 here: 1, 1, 1/2 x 4).
  const [d, w] = tta === "flip-translate" ? [2, 1] : [1, 0.5];
  return [...both(x, 1), ...both(translate(x, -d, -d), w), ...both(translate(x, d, d), w)];
}
