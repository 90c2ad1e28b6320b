/**
 * davidnet's WebGPU kernels: convolutions and their gradients as tiled implicit GEMMs (registered through tfjs's
 * kernel registry; `--kernels stock|fast` switches them) and a fused, in-place SGD update.
 */
export {
  fusedOnWebGpu,
  KERNEL_MODES,
  type KernelMode,
  kernelMode,
  REPLACED_KERNELS,
  useKernels,
} from "./registry.ts";
export { fusedSgdUpdate, type SgdHyper } from "./sgd_update.ts";
export { type GemmPlan, MAX_LOOP_STEPS, planGemm, TK } from "./implicit_gemm.ts";
export { convProblem, type ConvProduct, tiledConvProgram } from "./conv_programs.ts";
export {
  CONV_STRATEGIES,
  convInfo,
  type ConvStrategy,
  convStrategy,
  convStrategySetting,
  planConv,
  useConvStrategy,
} from "./conv_kernels.ts";
export { directConvProgram, MAX_DIRECT_LOOP } from "./conv_direct.ts";
export {
  batchMoments,
  batchNormActApply,
  batchNormActTraining,
  type BnActConfig,
  type BnActivation,
} from "./batch_norm.ts";
export { syncDevice } from "./webgpu_backend.ts";
