import { tf } from "../backend/tf.ts";
import { countCorrect } from "./loss.ts";

/** The test-time augmentations {@link predictLogits} offers. */
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

/** The views of `x` that a test-time augmentation sums over, each with its weight. */
function views(x: tf.Tensor4D, tta: TtaMode): [tf.Tensor4D, number][] {
  if (tta === "none") return [[x, 1]];
  const both = (v: tf.Tensor4D, w: number): [tf.Tensor4D, number][] => [[v, w], [tf.reverse(v, 2), w]];
  if (tta === "flip") return both(x, 1);
  // flip-translate: 6 equal views, 2-pixel shifts; airbench94.py `infer_mirror_translate`: the mirror pair at
  // half the weight, the two 1-pixel shifts' mirror pairs at a quarter each (x4 here: 1, 1, 1/2 x 4).
  const [d, w] = tta === "flip-translate" ? [2, 1] : [1, 0.5];
  return [...both(x, 1), ...both(translate(x, -d, -d), w), ...both(translate(x, d, d), w)];
}

/**
 * Logits of `x` in inference mode, summed over the views of the test-time augmentation: `flip` adds the
 * left-right mirror image (Page's final TTA); `flip-translate` also both images shifted by 2 pixels up-left and
 * down-right (6 views); `airbench` is airbench94's level 2: the mirror pair, plus the mirror pairs of the image
 * shifted by 1 pixel up-left and down-right at half the weight.
 */
export function predictLogits(model: tf.LayersModel, x: tf.Tensor4D, tta: TtaMode): tf.Tensor2D {
  return tf.tidy(() =>
    tf.addN(
      views(x, tta).map(([v, w]) => {
        const logits = model.apply(v, { training: false }) as tf.Tensor2D;
        return w === 1 ? logits : tf.mul(logits, w);
      }),
    ) as tf.Tensor2D
  );
}

/** Accuracy of `model` on (x, y), in batches, counting on the device and reading one number at the end. */
export async function evaluate(
  model: tf.LayersModel,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  options: { tta: TtaMode; batchSize?: number },
): Promise<{ accuracy: number; correct: number; count: number }> {
  const n = x.shape[0], bs = options.batchSize ?? 500;
  let total = tf.scalar(0, "int32");
  for (let i = 0; i < n; i += bs) {
    const k = Math.min(bs, n - i);
    const next = tf.tidy(() =>
      tf.add(total, countCorrect(predictLogits(model, x.slice(i, k), options.tta), y.slice(i, k)))
    );
    total.dispose();
    total = next as tf.Scalar;
  }
  const correct = (await total.data())[0];
  total.dispose();
  return { accuracy: correct / n, correct, count: n };
}
