import type { tf } from "../backend/tf.ts";
import { MomentumSgd, type NamedParam, type ParamGroup } from "./sgd.ts";
import { sgdRates } from "../config/mod.ts";
import type { TrainConfig } from "./types.ts";

/** Trainable parameters with stable names (the layer's weight name, unique within the model). */
export function namedParams(model: tf.LayersModel): NamedParam[] {
  return model.trainableWeights.map((w) => ({ name: w.originalName, variable: w.read() as tf.Variable }));
}

/** True for a batch-norm bias (beta): Page's "bias" group (`'bias' in k` over a net whose convs have none). */
export function isBnBias(name: string): boolean {
  return /_bn\/beta$/.test(name);
}

/**
 * The SGD parameter groups of `model`: the BN biases with `cfg.biasLrScale` and `cfg.biasWdScale` (Page: x64,
 * /64 once the BN scales are frozen), everything else at x1. A group with no parameters is left out.
 */
export function paramGroups(model: tf.LayersModel, cfg: TrainConfig): ParamGroup[] {
  const params = namedParams(model);
  const groups: ParamGroup[] = [
    { name: "weights", lrScale: 1, wdScale: 1, params: params.filter((p) => !isBnBias(p.name)) },
    {
      name: "bn-bias",
      lrScale: cfg.biasLrScale,
      wdScale: cfg.biasWdScale,
      params: params.filter((p) => isBnBias(p.name)),
    },
  ];
  return groups.filter((g) => g.params.length > 0);
}

/** SGD over {@link paramGroups} with the config's momentum, weight decay ({@link sgdRates}) and Nesterov setting. */
export function makeSgd(model: tf.LayersModel, cfg: TrainConfig): MomentumSgd {
  return new MomentumSgd(paramGroups(model, cfg), {
    momentum: cfg.momentum,
    weightDecay: sgdRates(cfg).weightDecay,
    nesterov: cfg.nesterov,
  });
}
