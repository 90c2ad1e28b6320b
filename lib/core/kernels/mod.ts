/**
 * davidnet's WebGPU kernels: convolutions and their gradients as implicit GEMMs (`tiled` for GPUs, `direct` for CPU
 * adapters), batch norm fused with its activation, and a fused in-place SGD update; and the {@link KernelRuntime},
 * the kernels one session runs (`--kernels stock|fast`, `--conv`) as a value: it puts its convolutions into tfjs's
 * kernel registry before its session's ops, so that sessions with different kernels can share one process.
 * Workgroup sizes, workgroup memory and dispatches follow the device's limits; no kernel loops more than 16,384
 * times in one invocation (lavapipe silently stops shaders at 65,535). `checkKernels` compares them with
 * references on the running adapter.
 * Row 1 of lib/'s layout (README, Layout): imports backend, random.
 */
export { KERNEL_MODES, type KernelMode } from "./registry.ts";
export { KernelRuntime, type KernelSettings } from "./runtime.ts";
export { fusedSgdUpdate, type SgdHyper } from "./sgd_update.ts";
export { type ConvProduct } from "./conv_programs.ts";
export {
  CONV_STRATEGIES,
  convInfo,
  type ConvPlan,
  type ConvStrategy,
  planConv,
  resolveConvStrategy,
} from "./conv_kernels.ts";
export {
  batchNormActApply,
  batchNormActTraining,
  type BnActConfig,
  type BnActivation,
  bnLoopIterations,
} from "./batch_norm.ts";
export { runningLimits, syncDevice } from "./webgpu_backend.ts";
export { type KernelLimits, kernelLimits, MAX_LOOP_ITERATIONS, MINIMUM_LIMITS } from "./limits.ts";
export {
  CHECK_BATCH,
  CHECK_CONVS,
  CHECK_TOLERANCE,
  checkKernels,
  checksUnder,
  type CheckVerdict,
  checkVerdict,
  compareBatchNorm,
  compareConv,
  compareSgd,
  type KernelCheck,
  type KernelCheckOptions,
  type KernelCheckReport,
  type KernelVariant,
  onCpu,
  uniform,
  variantRuntime,
} from "./check.ts";
export {
  batchNormActF64,
  conv2dBackpropFilterF64,
  type ConvGeometry,
  type ModelGradients,
  modelGradients,
  onCpuWithReferenceFilterGrad,
  relativeError,
  sgdF64,
} from "./reference.ts";
