/** A stage context around a small test model: the DAVIDNET24 config with `overrides`, and a given second-net builder. */
import type { tf } from "../lib/core/backend/mod.ts";
import { DAVIDNET24 } from "../lib/core/config/mod.ts";
import type { StageContext } from "../lib/core/train/stages/mod.ts";
import type { TrainConfig } from "../lib/core/train/mod.ts";

/** A context for one stage under test: `totalSteps` defaults to 100 steps of 10 per epoch. */
export function stageContext(
  overrides: Partial<TrainConfig>,
  model: tf.LayersModel,
  build: () => tf.LayersModel,
  totalSteps = 100,
): StageContext {
  return { cfg: { ...DAVIDNET24, ...overrides }, model, build, stepsPerEpoch: 10, totalSteps };
}
