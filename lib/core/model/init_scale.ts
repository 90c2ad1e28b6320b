import { tf } from "../backend/tf.ts";

/**
 * Page's factor between PyTorch's default conv/linear init and He et al.'s: kaiming_uniform(a = sqrt(5)) draws
 * U(+-1 / sqrt(fan in)), variance 1 / (3 fan in); He et al. has 2 / fan in. His batch_norm_post.ipynb multiplies
 * every conv and linear weight by sqrt(6) (`weight_scale=np.sqrt(6)`) and divides the logit scale by it.
 */
export const HE_FROM_TORCH_INIT = Math.sqrt(6);

/**
 * Multiplies every Conv2D and Dense kernel of `model` by `factor`, in place (e.g. {@link HE_FROM_TORCH_INIT} for
 * He et al.'s init). Biases and BN weights are left alone; non-trainable kernels (the whitening conv) too.
 * Returns the number of kernels scaled.
 */
export function scaleKernels(model: tf.LayersModel, factor: number): number {
  let n = 0;
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if ((kind !== "Conv2D" && kind !== "Dense") || !layer.trainable) continue;
    const kernel = layer.weights.find((w) => w.originalName.endsWith("/kernel"));
    if (!kernel) continue;
    const scaled = tf.tidy(() => tf.mul(kernel.read(), factor));
    kernel.write(scaled); // the variable takes its own reference to the data
    scaled.dispose();
    n++;
  }
  return n;
}
