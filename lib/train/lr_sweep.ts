import { drawEpoch, uploadDraws } from "../augment/mod.ts";
import { tf } from "../backend/mod.ts";
import { buildDavidNet } from "../model/mod.ts";
import type { DeviceData } from "./device_data.ts";
import { NesterovSgd } from "./sgd.ts";
import { trainStep } from "./trainer.ts";
import type { TrainConfig } from "./types.ts";

/** One step of an LR sweep: the rate used and the batch's loss and accuracy. */
export interface SweepPoint {
  step: number;
  lr: number;
  loss: number;
  accuracy: number;
}

/**
 * Trains a fresh net for `steps` steps with the learning rate growing exponentially from `lrMin` to `lrMax`,
 * recording each batch's loss and training accuracy (the seed's LR sweep with and without batch norm). Stops
 * early once the loss is no longer finite.
 */
export async function lrSweep(
  cfg: TrainConfig,
  data: DeviceData,
  options: { lrMin: number; lrMax: number; steps: number },
): Promise<SweepPoint[]> {
  const n = data.trainX.shape[0], perEpoch = Math.floor(n / cfg.batchSize);
  const model = buildDavidNet({ ...cfg.model, seed: cfg.seed });
  const sgd = new NesterovSgd(
    model.trainableWeights.map((w) => ({ name: w.originalName, variable: w.read() as tf.Variable })),
    cfg.momentum,
    cfg.weightDecay,
    cfg.nesterov,
  );
  const points: SweepPoint[] = [];
  let draws: ReturnType<typeof uploadDraws> | undefined;
  try {
    for (let step = 0; step < options.steps; step++) {
      const within = step % perEpoch;
      if (within === 0) {
        if (draws) tf.dispose([draws.order, draws.boxes, draws.cut]);
        draws = uploadDraws(drawEpoch(n, cfg.augment, cfg.seed, step / perEpoch), data.trainX.shape[1]);
      }
      const lr = options.lrMin * (options.lrMax / options.lrMin) ** (step / Math.max(1, options.steps - 1));
      const [loss, correct] = trainStep(model, sgd, data, draws!, cfg, within, lr);
      const [l, c] = [(await loss.data())[0], (await correct.data())[0]];
      tf.dispose([loss, correct]);
      points.push({ step, lr, loss: l, accuracy: c / cfg.batchSize });
      if (!Number.isFinite(l)) break;
    }
    return points;
  } finally {
    if (draws) tf.dispose([draws.order, draws.boxes, draws.cut]);
    sgd.dispose();
    model.dispose();
  }
}
