import { buildNet, whiteningPlaceholder } from "../../core/model/mod.ts";
import { PRESETS } from "../../core/config/mod.ts";
import {
  type DeviceData,
  estimateTraining,
  stepsOfRun,
  type TrainConfig,
  type TrainEstimate,
  trainingFlops,
  whiteningFor,
} from "../../core/train/mod.ts";
import { syntheticData } from "./step.ts";

/** A preset's estimated training time on this machine. */
export interface PresetEstimate extends TrainEstimate {
  preset: string;
}

/** Floating-point operations of a whole run of `cfg` (its net built once with placeholder whitening, then freed). */
function runFlops(cfg: TrainConfig): number {
  const whitening = whiteningPlaceholder(cfg.model.whiten);
  const model = buildNet(cfg.model, { whitening });
  try {
    return trainingFlops(model, stepsOfRun(cfg) * cfg.batchSize);
  } finally {
    model.dispose();
  }
}

/**
 * The estimate of the run `cfg` on `data` (timed steps of its own net and data), then of every preset whose run
 * takes fewer floating-point operations (timed on synthetic data at its batch size), quickest first: what a
 * machine without a GPU can train instead.
 */
export async function estimateWithQuicker(
  cfg: TrainConfig,
  data: DeviceData,
): Promise<{ run: TrainEstimate; quicker: PresetEstimate[] }> {
  const run = await estimateTraining(cfg, data, 2, await whiteningFor(cfg, data));
  const quicker: PresetEstimate[] = [];
  for (const [preset, p] of Object.entries(PRESETS)) {
    if (runFlops(p) >= run.flops) continue;
    const synthetic = syntheticData(p.batchSize, p.augment.pad);
    try {
      const whitening = await whiteningFor(p, synthetic);
      quicker.push({ preset, ...await estimateTraining(p, synthetic, 1, whitening) });
    } finally {
      synthetic.dispose();
    }
  }
  return { run, quicker: quicker.sort((a, b) => a.seconds - b.seconds) };
}
