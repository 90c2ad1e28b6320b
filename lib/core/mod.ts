/**
 * davidnet's core: DavidNet (the ResNet-9 of "How to train your ResNet") and airbench94 on CIFAR-10 in TypeScript on
 * Deno, with TensorFlow.js on WebGPU or TensorFlow's C library. This is the whole public interface for someone
 * training a net: the backend, data and shards, the nets, configs and presets, training (one seed or several),
 * evaluation and the statistics of repeated runs. Everything else is the lab (lib/lab: the run folder, figures,
 * bench, ablations, notebooks' helpers, the web page, the CLI), which imports the core and never the reverse. A
 * folder's own `mod.ts` (lib/core/<concept>/mod.ts) goes deeper into one concept.
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
export { type MeanStd, meanStd, seedsToResolve, welchTest, welchVerdict } from "./stats/mod.ts";
