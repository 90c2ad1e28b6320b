import { tf } from "../backend/mod.ts";
import type { DeviceData } from "./device_data.ts";
import { TrainSession, whiteningFor } from "./session.ts";
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
 * early once the loss is no longer finite. Steps the same {@link TrainSession} as `train`.
 */
export async function lrSweep(
  cfg: TrainConfig,
  data: DeviceData,
  options: { lrMin: number; lrMax: number; steps: number },
): Promise<SweepPoint[]> {
  const session = new TrainSession(cfg, data, { whitening: await whiteningFor(cfg, data) });
  const points: SweepPoint[] = [];
  try {
    for (let step = 0; step < options.steps; step++) {
      const lr = options.lrMin * (options.lrMax / options.lrMin) ** (step / Math.max(1, options.steps - 1));
      const [loss, correct] = session.step(step, lr);
      const [l, c] = [(await loss.data())[0], (await correct.data())[0]];
      tf.dispose([loss, correct]);
      points.push({ step, lr, loss: l, accuracy: c / cfg.batchSize });
      if (!Number.isFinite(l)) break;
    }
    return points;
  } finally {
    session.dispose();
  }
}
