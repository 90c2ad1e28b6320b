/**
 * Training DavidNet: data on the device, loss, SGD and Muon, the loop, evaluation with TTA, checkpoints, seeds.
 * Row 4 of lib/'s layout (README, Layout): imports augment, backend, config, data, kernels, model, schedule, stats.
 */
export * from "./types.ts";
export { countCorrect, smoothedCrossEntropy } from "./loss.ts";
export { MomentumSgd, type NamedParam, type ParamGroup, type SgdSettings } from "./sgd.ts";
export { Muon, type MuonSettings, NEWTON_SCHULZ_COEFFICIENTS, newtonSchulz } from "./muon.ts";
export { type Optimizer, Optimizers } from "./optimizer.ts";
export { denormalizeImages, type DeviceData, normalizeImages, toDevice } from "./device_data.ts";
export { evaluate, predictLogits } from "./evaluate.ts";
export { TARGET_ACCURACY, train, type TrainOptions, warmUp } from "./trainer.ts";
export { type SeedDone, type SeedHooks, type SeedRun, type SeedRuns, trainSeeds } from "./seeds.ts";
export { TrainSession, trainStep, whiteningFor, whiteningOf } from "./session.ts";
export {
  lookahead,
  type Stage,
  type StageContext,
  type StageFactory,
  STAGES,
  stagesFor,
  weightAverage,
  whiteningBiasEpochs,
} from "./stages/mod.ts";
export { isBnBias, makeOptimizer, makeSgd, namedParams, paramGroups } from "./param_groups.ts";
export { augmentExamples } from "./examples.ts";
export { forwardFlops, trainingFlops } from "./flops.ts";
export { estimateTraining, stepsOfRun, type TrainEstimate } from "./estimate.ts";
