/**
 * Run by `deno task setup` in a child process (a broken addon can crash the process that loads it): loads the
 * native backend, computes a small convolution and prints `{"tfjsNode": ..., "tensorflow": ..., "sum": ...}`.
 */
import { tf } from "../../core/backend/tf.ts";
import { loadNative, nativeTensorflowVersion } from "../../core/backend/native.ts";

const tfjsNode = await loadNative();
await tf.setBackend("tensorflow");
const y = tf.conv2d(tf.ones([1, 4, 4, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 1]) as tf.Tensor4D, 1, "same");
console.log(
  JSON.stringify({ tfjsNode, tensorflow: nativeTensorflowVersion(), sum: (await y.sum().data())[0] }),
);
