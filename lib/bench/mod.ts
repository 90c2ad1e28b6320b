/** Measurements behind `deno task bench`: device timing, dispatch counts, kernels stock vs fast, training steps. */
export {
  countDispatches,
  hasTimestamps,
  medianTime,
  timeOnDevice,
  type TimingMethod,
} from "./device_timing.ts";
export { benchBatchNorm, benchConvKernels, benchSgd, type KernelComparison } from "./kernels.ts";
export { type KernelShare, measureStep, profileStep, type StepMeasurement, syntheticData } from "./step.ts";
