/**
 * davidnet's WebGPU kernels, registered through tfjs's kernel registry so that `--kernels stock|fast` switches them
 * within one process: convolutions and their gradients as implicit GEMMs (`tiled` for GPUs, `direct` for CPU
 * adapters), batch norm fused with its activation, and a fused in-place SGD update. No kernel loops more than 16,384
 * times in one invocation (lavapipe silently stops shaders at 65,535).
 */
export { fusedOnWebGpu, KERNEL_MODES, type KernelMode, kernelMode, useKernels } from "./registry.ts";
export { fusedSgdUpdate, type SgdHyper } from "./sgd_update.ts";
export { type ConvProduct } from "./conv_programs.ts";
export {
  CONV_STRATEGIES,
  convInfo,
  type ConvStrategy,
  convStrategy,
  convStrategySetting,
  planConv,
  useConvStrategy,
} from "./conv_kernels.ts";
export {
  batchNormActApply,
  batchNormActTraining,
  type BnActConfig,
  type BnActivation,
  bnLoopIterations,
} from "./batch_norm.ts";
export { syncDevice } from "./webgpu_backend.ts";
