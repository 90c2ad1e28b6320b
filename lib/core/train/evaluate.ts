import { tf } from "../backend/tf.ts";
import { type TtaMode, ttaViews } from "../augment/mod.ts";
import { KernelRuntime } from "../kernels/mod.ts";
import { countCorrect } from "./loss.ts";

/**
 * Logits of `x` in inference mode, summed over the views of the test-time augmentation: `flip` adds the
 * left-right mirror image (Page's final TTA); `flip-translate` also both images shifted by 2 pixels up-left and
 * down-right (6 views); `airbench` is airbench94's level 2: the mirror pair, plus the mirror pairs of the image
 * shifted by 1 pixel up-left and down-right at half the weight. Runs with `kernels`, activated first (default:
 * tfjs's stock ones).
 */
export function predictLogits(
  model: tf.LayersModel,
  x: tf.Tensor4D,
  tta: TtaMode,
  kernels: KernelRuntime = new KernelRuntime({ mode: "stock" }),
): tf.Tensor2D {
  kernels.activate();
  return tf.tidy(() =>
    tf.addN(
      ttaViews(x, tta).map(([v, w]) => {
        const logits = model.apply(v, { training: false, kernels }) as tf.Tensor2D;
        return w === 1 ? logits : tf.mul(logits, w);
      }),
    ) as tf.Tensor2D
  );
}

/**
 * Accuracy of `model` on (x, y), in batches, counting on the device and reading one number at the end; with
 * `options.kernels` (a training session's, or tfjs's stock ones by default).
 */
export async function evaluate(
  model: tf.LayersModel,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  options: { tta: TtaMode; batchSize?: number; kernels?: KernelRuntime },
): Promise<{ accuracy: number; correct: number; count: number }> {
  const n = x.shape[0], bs = options.batchSize ?? 500;
  const kernels = options.kernels ?? new KernelRuntime({ mode: "stock" });
  let total = tf.scalar(0, "int32");
  for (let i = 0; i < n; i += bs) {
    const k = Math.min(bs, n - i);
    const next = tf.tidy(() =>
      tf.add(total, countCorrect(predictLogits(model, x.slice(i, k), options.tta, kernels), y.slice(i, k)))
    );
    total.dispose();
    total = next as tf.Scalar;
  }
  const correct = (await total.data())[0];
  total.dispose();
  return { accuracy: correct / n, correct, count: n };
}
