/**
 * Ablations: train a base config and the base with each trick flipped, several seeds each, and say which
 * differences exceed the noise (`deno task ablate`); the arms and verdicts of the notebooks' experiments on batch
 * size, momentum and regularisation (Page, parts 2, 3 and 5) and of the batch-norm LR sweep (part 7).
 * Row 6 of lib/'s layout (README, Layout): imports backend, config, model, report, stats, train.
 */
export { ablationVariants, type Variant } from "./plan.ts";
export {
  lrSweep,
  type SweepBand,
  sweepBands,
  sweepLr,
  type SweepOptions,
  type SweepPoint,
} from "./lr_sweep.ts";
export {
  type Ablation,
  type AblationOptions,
  type ArmResult,
  armResult,
  type ArmRun,
  armsAgainstFirst,
  joinAblations,
  runAblation,
} from "./run.ts";
export {
  ablationFigure,
  ablationHtml,
  type AblationRow,
  ablationRows,
  type ArmPair,
  noiseVerdict,
  pairFigure,
  pairRows,
  pairVerdict,
} from "./report.ts";
export { ablationSetupRows, parseAblation, readAblation, type SavedAblation } from "./read.ts";
export {
  type BatchLrArm,
  batchLrArms,
  factorLabel,
  type MomentumArm,
  momentumArms,
  regularisationArms,
  type RegularisationOptions,
} from "./arms.ts";
export {
  batchLrVerdict,
  type InvarianceTest,
  invarianceVerdict,
  nextRateFactor,
  type RateLimits,
  type RatePlateau,
  ratePlateaus,
} from "./verdicts.ts";
export { type RunRecord, runRecorder } from "./record.ts";
export { bandDifference, bandVsLevel, sweepVerdict } from "./sweep.ts";
