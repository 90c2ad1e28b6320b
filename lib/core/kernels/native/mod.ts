/**
 * Fused TensorFlow ops for the native (tfjs-node) backend, run through tfjs-node's op execution and switched by the
 * same `--kernels stock|fast` as the WebGPU kernels: batch norm with its activation (FusedBatchNormV3 and its
 * gradient), whole batches or ghost groups. Imports backend only.
 */
export {
  batchNormActNative,
  ghostBatchNormActNative,
  type NativeActivation,
  type NativeBnConfig,
} from "./batch_norm.ts";
export { attr, type NativeAttr, nativeOp } from "./ops.ts";
