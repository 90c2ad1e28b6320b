/**
 * The stages of a training step (see {@link Stage}): the tricks that act around forward, loss and SGD. The order
 * of {@link STAGES} is the order in which the session runs them.
 */
import { lookahead } from "./lookahead.ts";
import type { Stage, StageContext, StageFactory } from "./stage.ts";
import { weightAverage } from "./weight_average.ts";
import { whiteningBiasEpochs } from "./whitening_bias.ts";

export type { Stage, StageContext, StageFactory } from "./stage.ts";
export { lookahead } from "./lookahead.ts";
export { weightAverage } from "./weight_average.ts";
export { whiteningBiasEpochs } from "./whitening_bias.ts";

/** Every stage a run can have, in running order; each is on or off by its config lines. */
export const STAGES: readonly StageFactory[] = [whiteningBiasEpochs, lookahead, weightAverage];

/** The stages `ctx`'s config switches on, in running order. */
export function stagesFor(ctx: StageContext): Stage[] {
  return STAGES.map((make) => make(ctx)).filter((s): s is Stage => s !== undefined);
}
