/**
 * Measurements behind `deno task bench`: device timing, dispatch counts, kernels stock vs fast, training steps.
 * Row 7 of lib/'s layout (README, Layout): imports augment, backend, config, data, kernels, model, random, report, run, stats, train, web.
 */
export {
  countDispatches,
  hasTimestamps,
  medianTime,
  timeOnDevice,
  type TimingMethod,
} from "./device_timing.ts";
export { benchBatchNorm, benchConvKernels, benchSgd, type KernelComparison } from "./kernels.ts";
export { type KernelShare, measureStep, profileStep, type StepMeasurement, syntheticData } from "./step.ts";
export { BENCH_RESULTS_DIR, type BenchResultInfo, benchResults, fullScaleEvidence } from "./results.ts";
export {
  augmentCost,
  augmentOnHost,
  type BatchThroughput,
  compareSpreads,
  drawAndUpload,
  drawCost,
  type DrawGranularity,
  formatSpread,
  groupProfiles,
  KERNEL_GROUPS,
  type KernelGroup,
  kernelGroup,
  type KernelProfile,
  preprocessCost,
  profileSteps,
  type Spread,
  spread,
  spreadSeries,
  throughputByBatch,
  timeRepeated,
} from "./timing_story.ts";
export { estimateWithQuicker, type PresetEstimate } from "./estimates.ts";
export { type Ceiling, type CeilingKernel, measureCeiling } from "./ceiling.ts";
export {
  latestRecordedRuns,
  type RecordedRun,
  type RecordedRuns,
  recordRuns,
  type SavedRuns,
} from "./runs.ts";
export { recordedRunsFigure, recordedRunsLine, recordedRunsRows } from "./runs_view.ts";
export {
  COMPARED_RECIPES,
  type ComparedRecipe,
  type ComparedRun,
  comparePlan,
  comparisonWords,
  type Contender,
  type PlannedRun,
  type RecipeComparison,
  summarizeComparison,
} from "./compare.ts";
