import { WHITEN_BIAS_LAYER } from "../../model/mod.ts";
import type { Stage, StageContext } from "./stage.ts";

/**
 * airbench's whitening bias epochs (airbench94.py `whiten_bias_epochs: 3`, `model[0].bias.requires_grad =
 * (epoch < whiten_bias_epochs)`): with 2x2 whitening, the bias after the fixed whitening conv trains for the first
 * `whitenBiasEpochs` epochs and is frozen after (SGD neither steps nor decays it, as PyTorch skips a parameter
 * without a gradient). Off when the net has no 2x2 whitening.
 */
export function whiteningBiasEpochs(ctx: StageContext): Stage | undefined {
  if (ctx.cfg.model.whiten !== "2x2") return undefined;
  const bias = ctx.model.getLayer(WHITEN_BIAS_LAYER).trainableWeights.map((w) => w.originalName);
  const frozen = new Set(bias), none = new Set<string>();
  return {
    name: "whiten-bias",
    frozen: (epoch) => (epoch >= ctx.cfg.whitenBiasEpochs ? frozen : none),
  };
}
