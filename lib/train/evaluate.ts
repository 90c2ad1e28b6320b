import { tf } from "../backend/mod.ts";
import { countCorrect } from "./loss.ts";

/** Logits of `x` in inference mode; with `tta`, the sum of the logits of `x` and of `x` flipped left-right. */
export function predictLogits(model: tf.LayersModel, x: tf.Tensor4D, tta: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    const logits = model.apply(x, { training: false }) as tf.Tensor2D;
    return tta ? tf.add(logits, model.apply(tf.reverse(x, 2), { training: false }) as tf.Tensor2D) : logits;
  });
}

/** Accuracy of `model` on (x, y), in batches, counting on the device and reading one number at the end. */
export async function evaluate(
  model: tf.LayersModel,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  options: { tta: boolean; batchSize?: number },
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
