/**
 * airbench94 in one file, top to bottom, the way KellerJordan/cifar10-airbench's `legacy/airbench94.py` reads
 * (its `main`, lines 350-466): whitening, net, optimizer, schedule, lookahead, then per epoch the augmentation draws,
 * the steps and an evaluation, and at the end the TTA evaluation. Every piece is the library's own (the net
 * builder, the parameter groups, the schedule, the stages, the step, the TTA), called in the order a run calls
 * them, so that a reader sees the whole method here without opening thirty files; `train` (lib/core/train/trainer.ts)
 * runs the same steps with checkpoints, progress, timing and a stop request around them, and a test
 * (tests/airbench_train_test.ts) checks that the two give the same losses and the same accuracy.
 */
import { drawEpoch, uploadDraws } from "../../core/augment/mod.ts";
import { tf } from "../../core/backend/tf.ts";
import { AIRBENCH94, scheduleOf } from "../../core/config/mod.ts";
import { KernelRuntime } from "../../core/kernels/mod.ts";
import { buildNet, whiteningFiltersFor } from "../../core/model/mod.ts";
import {
  type DeviceData,
  evaluate,
  lookahead,
  makeOptimizer,
  type TrainConfig,
  trainStep,
  whiteningBiasEpochs,
} from "../../core/train/mod.ts";

/** What {@link airbench94Recipe} returns. */
export interface RecipeResult {
  /** The mean training loss of every step, in order. */
  losses: number[];
  /** The test accuracy after each epoch, without TTA (airbench94.py line 446, `tta_level=0`). */
  epochAccuracy: number[];
  /** The final test accuracy with the config's TTA (airbench94.py line 458). */
  ttaAccuracy: number;
  /** The trained net (the caller disposes it). */
  model: tf.LayersModel;
}

/**
 * Trains `cfg` (by default the `airbench94` preset: one seed, full width, 9.9 epochs) on `data` top to bottom and
 * returns its losses and accuracies; `log` gets one line per epoch. A config with Page's weight average
 * (`emaEvery` > 0) is refused: that stage is not part of airbench's recipe (`train` runs it).
 */
export async function airbench94Recipe(
  data: DeviceData,
  cfg: TrainConfig = AIRBENCH94,
  log: (line: string) => void = () => {},
): Promise<RecipeResult> {
  if (cfg.emaEvery > 0) {
    throw new Error(
      `the airbench94 recipe has no weight average: set --ema-every 0, or train it with train()`,
    );
  }
  // Steps: whole batches per epoch (the loader drops the last partial batch), ceil(steps x epochs) in all, so
  // 9.9 epochs end partway through the tenth (lines 123-124, 370 and 433-436).
  const n = data.trainX.shape[0];
  const stepsPerEpoch = Math.floor(n / cfg.batchSize);
  const totalSteps = Math.ceil(stepsPerEpoch * cfg.epochs);

  // The net: its first conv is fixed 2x2 whitening from the first 5000 training images (lines 400-403), the rest
  // initialised from the seed (make_net, lines 214-236). The kernels (WebGPU's own or tfjs's) are a value that
  // every step and evaluation gets.
  const whitening = cfg.model.whiten === "none"
    ? undefined
    : await whiteningFiltersFor(cfg.model.whiten, data.trainX);
  const build = () => buildNet(cfg.model, { seed: cfg.seed, whitening });
  const model = build();
  const kernels = new KernelRuntime(cfg.kernels);

  // Nesterov SGD over two groups: the BN biases at 64x the rate, the rest (lines 375-379); with `--optimizer muon`
  // the filters go to Muon instead (airbench94_muon.py).
  const optimizer = makeOptimizer(model, cfg, kernels);
  // The rate: linear from 0.2 to 1 of the peak at 23% of the run, then down to 0.07 (get_lr, lines 381-390),
  // read at the end of each step in epochs.
  const schedule = scheduleOf(cfg);
  // Two stages: the whitening bias trains for the first 3 epochs only (line 410); the lookahead average pulls the
  // net every 5 steps (lines 392-393 and 430-431) and sets it to the average after the last step.
  const ctx = { cfg, model, build, stepsPerEpoch, totalSteps };
  const whitenBias = whiteningBiasEpochs(ctx);
  const average = lookahead(ctx);

  const losses: number[] = [], epochAccuracy: number[] = [];
  try {
    for (let epoch = 0; epoch * stepsPerEpoch < totalSteps; epoch++) {
      // One epoch's randomness at once from (seed, epoch): the order, the 2-pixel translations (reflect padding)
      // and the flips, which alternate from the second epoch on (lines 126-149).
      const draws = uploadDraws(drawEpoch(n, cfg.augment, cfg.seed, epoch), data.trainX.shape[1]);
      const frozen = whitenBias?.frozen?.(epoch) ?? new Set<string>();
      // The losses stay on the device until the epoch ends: one read-back an epoch, not one a step.
      const pending: tf.Scalar[] = [];
      try {
        for (let i = 0; i < stepsPerEpoch && epoch * stepsPerEpoch + i < totalSteps; i++) {
          const step = epoch * stepsPerEpoch + i, progress = (step + 1) / stepsPerEpoch;
          // Augment the batch, forward, label-smoothed loss, backward, the optimizers' updates (lines 419-426).
          const [loss, correct] = trainStep(
            model,
            optimizer,
            data,
            draws,
            cfg,
            i,
            schedule(progress),
            frozen,
            progress,
            kernels,
          );
          average?.afterStep?.(step);
          pending.push(loss);
          correct.dispose();
        }
        const stacked = tf.stack(pending);
        losses.push(...await stacked.data());
        stacked.dispose();
      } finally {
        tf.dispose([draws.order, draws.boxes, draws.cut, ...pending]);
      }
      if ((epoch + 1) * stepsPerEpoch >= totalSteps) average?.afterRun?.();
      const acc = await evaluate(model, data.testX, data.testY, { tta: "none", kernels });
      epochAccuracy.push(acc.accuracy);
      log(
        `epoch ${epoch + 1}: loss ${losses.at(-1)!.toFixed(4)}, test accuracy ${
          (100 * acc.accuracy).toFixed(2)
        }%`,
      );
    }
    // The final evaluation with the mirror and 1-pixel translations (lines 320-334 and 458).
    const tta = await evaluate(model, data.testX, data.testY, { tta: cfg.tta, kernels });
    log(`with TTA (${cfg.tta}): ${(100 * tta.accuracy).toFixed(2)}%`);
    return { losses, epochAccuracy, ttaAccuracy: tta.accuracy, model };
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    optimizer.dispose();
    average?.dispose?.();
  }
}
