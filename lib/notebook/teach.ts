/**
 * What the teaching notebooks use beyond the core API (`lib/mod.ts`): figures and tables, Page's and airbench's
 * numbers, the measurements of notebook 11, ablations, the hyperparameter arithmetic of parts 5-6, the analyses of
 * the nets. Notebooks import it as `nb` beside the core's `dn`; it re-exports, it defines nothing (its folder's
 * own pieces for the notebooks, residual.ts, timing_words.ts and page_index.ts, live beside it).
 */
export { classCounts, EXPECTED, imagesOfClass, takeSplit, verifyCifar10 } from "../data/mod.ts";
export { decodeExample, describeRecord, encodeShard, hexDump, shardReadThroughput } from "../shards/mod.ts";
export {
  augmentBatch,
  type AugmentConfig,
  DAVIDNET_AUGMENT,
  drawEpoch,
  uploadDraws,
} from "../augment/mod.ts";
export { makeSchedule, SCHEDULE_NAMES } from "../schedule/mod.ts";
export {
  type ArchName,
  averageMoments,
  blockLayers,
  type ChannelMoments,
  channelMoments,
  ghostBatchNorm,
  HE_FROM_TORCH_INIT,
  PAGE_ARCH_RESULTS,
  patchEigens,
  receptiveFields,
  scaleKernels,
  specDepth,
  specParamCount,
  specRows,
  summarizeMoments,
} from "../model/mod.ts";
export {
  BAG_OF_TRICKS,
  configDifferences,
  crossReplicaWeightDecay,
  decayExponent,
  effectiveLr,
  equilibriumAngularStep,
  FENWICKS_TPU,
  lrWdGrid,
  lrWdProduct,
  PAGE_BATCH_SIZE,
  simulateAngularStep,
  toSummedLoss,
  TRICK_SPECS,
  weightDecayForExponent,
} from "../config/mod.ts";
export {
  augmentExamples,
  forwardFlops,
  lrSweep,
  makeSgd,
  normalizeImages,
  smoothedCrossEntropy,
  stepsOfRun,
  type SweepBand,
  sweepBands,
  type SweepPoint,
  trainingFlops,
  weightAverage,
} from "../train/mod.ts";
export {
  accuracyFigure,
  barFigure,
  formatSeconds,
  lineFigure,
  lossFigure,
  lrFigure,
  machineInfo,
  metricsRows,
  showFigure,
  showImages,
  showMarkdown,
  showRows,
  valueCounts,
} from "../report/mod.ts";
export { summaryRows } from "../run/mod.ts";
export { type ResidualScale, residualScales, rmsOfMoments } from "./residual.ts";
export { indexedNotebooks, type IndexEntry, indexMarkdown, PAGE_INDEX } from "./page_index.ts";
export {
  augmentWords,
  compareSpreads,
  drawWords,
  preprocessWords,
  profileWords,
  throughputWords,
} from "./timing_words.ts";
export {
  type Ablation,
  ablationFigure,
  ablationRows,
  ablationSetupRows,
  ablationVariants,
  bandDifference,
  bandVsLevel,
  type BatchLrArm,
  batchLrArms,
  batchLrVerdict,
  factorLabel,
  invarianceVerdict,
  joinAblations,
  momentumArms,
  noiseVerdict,
  ratePlateaus,
  readAblation,
  regularisationArms,
  runAblation,
  runRecorder,
  sweepVerdict,
  type Variant,
} from "../ablate/mod.ts";
export {
  augmentCost,
  augmentOnHost,
  BENCH_RESULTS_DIR,
  drawCost,
  formatSpread,
  fullScaleEvidence,
  groupProfiles,
  latestRecordedRuns,
  preprocessCost,
  profileSteps,
  spreadSeries,
  throughputByBatch,
} from "../bench/mod.ts";
