/**
 * Dirac initialisation of convs, as airbench's `Conv.reset_parameters` (airbench94.py lines 183-188): after
 * PyTorch's default init, `torch.nn.init.dirac_(w[:w.size(1)])` makes the first in_channels filters (all of them
 * when there are fewer outputs than inputs) identity filters, so that at the start the conv passes its first
 * input channels through unchanged.
 */
import { tf } from "../backend/tf.ts";

/**
 * `kernel` (HWIO [kh, kw, in, out]) with filters d < min(in, out) replaced by identity filters: 1 at the kernel
 * centre (floor(kh / 2), floor(kw / 2), as `dirac_`) for input channel d, 0 elsewhere. The other filters are
 * kept. A new tensor; `kernel` is left alone.
 */
export function diracKernel(kernel: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, cin, cout] = kernel.shape, n = Math.min(cin, cout);
  const keep = Float32Array.from({ length: cout }, (_, d) => (d < n ? 0 : 1));
  const identity = tf.buffer<tf.Rank.R4>(kernel.shape);
  for (let d = 0; d < n; d++) identity.set(1, Math.floor(kh / 2), Math.floor(kw / 2), d, d);
  return tf.tidy(() => tf.add(tf.mul(kernel, tf.tensor1d(keep)), identity.toTensor()));
}

/**
 * Dirac-initialises every trainable Conv2D of `model` in place ({@link diracKernel}); fixed convs (the whitening
 * conv) and dense layers are left alone.
 */
export function applyDirac(model: tf.LayersModel): void {
  for (const layer of model.layers.filter((l) => l.getClassName() === "Conv2D" && l.trainable)) {
    const kernel = diracKernel(layer.getWeights()[0] as tf.Tensor4D);
    layer.setWeights([kernel]); // the variable keeps its own copy
    kernel.dispose();
  }
}
