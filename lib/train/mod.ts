/** Training DavidNet: data on the device, loss, SGD, the loop, evaluation with TTA, checkpoints. */
export * from "./types.ts";
export { countCorrect, smoothedCrossEntropy } from "./loss.ts";
export { NesterovSgd } from "./sgd.ts";
export { denormalizeImages, type DeviceData, normalizeImages, toDevice } from "./device_data.ts";
export { evaluate, predictLogits } from "./evaluate.ts";
export { loadCheckpoint, saveCheckpoint, type TrainState } from "./checkpoint.ts";
export { TARGET_ACCURACY, train, type TrainOptions, trainStep, warmUp } from "./trainer.ts";
export { DAVIDNET24, type PresetName, PRESETS, SMOKE } from "./presets.ts";
export { lrSweep, type SweepPoint } from "./lr_sweep.ts";
export { BAG_OF_TRICKS, type Trick } from "./tricks.ts";
export { augmentExamples } from "./examples.ts";
