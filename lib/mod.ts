/**
 * davidnet: DavidNet (the ResNet-9 of "How to train your ResNet") and airbench94 on CIFAR-10 in TypeScript on Deno,
 * with TensorFlow.js on WebGPU or TensorFlow's C library. This is the core API: data, shards, nets, configs,
 * training, the run folder and the statistics of repeated runs. The rest has its own entry points (deno.json
 * `exports`): `./notebook` (what the teaching notebooks use), `./bench`, `./kernels`, `./web`, `./cli`.
 */
export {
  BACKEND_CHOICES,
  type BackendChoice,
  type BackendInfo,
  describeBackend,
  initBackend,
  tf,
} from "./backend/mod.ts";
export { type Cifar10, CLASS_NAMES, loadCifar10, type Split } from "./data/mod.ts";
export { KERNEL_MODES, type KernelMode, KernelRuntime, type KernelSettings } from "./kernels/mod.ts";
export { DEFAULT_SHARD_DIR, loadTrainingData, readShards, writeShards } from "./shards/mod.ts";
export {
  ARCH_NAMES,
  buildNet,
  countTrainableParams,
  layerTable,
  NET_SPECS,
  type NetConfig,
  netSpec,
  whiteningFiltersFor,
  whiteningPlaceholder,
} from "./model/mod.ts";
export {
  AIRBENCH94,
  AIRBENCH94_MUON,
  BASELINE,
  CONFIG_SCHEMA,
  configFrom,
  DAVIDNET24,
  emaMomentumForSteps,
  flipTrick,
  type PresetName,
  PRESETS,
  scheduleOf,
  sgdRates,
  SMOKE,
  SMOKE_TRICKS,
  TOGGLES,
  type TrainConfig,
  TRICKS,
  validateConfig,
} from "./config/mod.ts";
export {
  type DeviceData,
  type EpochMetrics,
  estimateTraining,
  evaluate,
  predictLogits,
  type SeedHooks,
  type SeedRun,
  type SeedRuns,
  type Stage,
  STAGES,
  toDevice,
  train,
  type TrainOptions,
  type TrainResult,
  trainSeeds,
  TrainSession,
} from "./train/mod.ts";
export {
  checkpointTo,
  loadCheckpoint,
  loadModel,
  readRunConfig,
  readRunHistory,
  RUN_FILES,
  saveModel,
} from "./run/mod.ts";
export { type MeanStd, meanStd, seedsToResolve, welchTest, welchVerdict } from "./stats/mod.ts";
