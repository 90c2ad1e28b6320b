import { tf } from "../backend/tf.ts";
import { countCorrect } from "./loss.ts";

/** The test-time augmentations {@link predictLogits} offers. */
export const TTA_MODES = ["none", "flip", "flip-translate"] as const;
/** One of {@link TTA_MODES}. */
export type TtaMode = typeof TTA_MODES[number];

/** Pixels of the translations of `flip-translate`. */
const TRANSLATE = 2;

/** `x` (NHWC) shifted by `dy`, `dx` pixels, the uncovered border filled by reflection (as the training crops). */
function translate(x: tf.Tensor4D, dy: number, dx: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const p = Math.max(Math.abs(dy), Math.abs(dx));
    const padded = tf.mirrorPad(x, [[0, 0], [p, p], [p, p], [0, 0]], "reflect");
    return padded.slice([0, p - dy, p - dx, 0], [-1, h, w, -1]);
  });
}

/** The views of `x` that a test-time augmentation averages over. */
function views(x: tf.Tensor4D, tta: TtaMode): tf.Tensor4D[] {
  if (tta === "none") return [x];
  const both = (v: tf.Tensor4D) => [v, tf.reverse(v, 2)];
  if (tta === "flip") return both(x);
  return [x, translate(x, -TRANSLATE, -TRANSLATE), translate(x, TRANSLATE, TRANSLATE)].flatMap(both);
}

/**
 * Logits of `x` in inference mode, summed over the views of the test-time augmentation: `flip` adds the
 * left-right mirror image (Page's final TTA), `flip-translate` also both images shifted by 2 pixels up-left and
 * down-right (6 views).
 */
export function predictLogits(model: tf.LayersModel, x: tf.Tensor4D, tta: TtaMode): tf.Tensor2D {
  return tf.tidy(() =>
    tf.addN(views(x, tta).map((v) => model.apply(v, { training: false }) as tf.Tensor2D)) as tf.Tensor2D
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
