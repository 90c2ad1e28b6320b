/**
 * What davidnet will do on this machine: `runDoctor` (`deno task doctor`) names the backend and adapter with its
 * limits, checks the fast kernels and one training step's gradients against references there, and times each
 * preset; `checkKernelsCached` is the kernel check `deno task train` runs once per adapter.
 * Row 8 of lib/'s layout (README, Layout): imports backend, bench, config, io, kernels, model, random, report, train.
 */
export { type DoctorOptions, type DoctorReport, runDoctor } from "./doctor.ts";
export {
  type CachedCheckOptions,
  checkKernelsCached,
  KERNEL_CHECK_DIR,
  type KernelVerdict,
  saveKernelVerdict,
} from "./kernel_cache.ts";
export { compareNetGradients, type GradientBatch, type GradientComparison } from "./gradients.ts";
export { CPU_PROBE_BATCH, FULL_STEP_BUDGET_SECONDS, type PresetTiming, timePreset } from "./timing.ts";
