import type { tf } from "../backend/tf.ts";
import type { KernelRuntime } from "../kernels/mod.ts";
import { WHITEN_BIAS_LAYER } from "../model/mod.ts";
import { MomentumSgd, type NamedParam, type ParamGroup } from "./sgd.ts";
import { Muon } from "./muon.ts";
import { type Optimizer, Optimizers } from "./optimizer.ts";
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

/** True for the 2x2 whitening's trained bias. */
function isWhitenBias(name: string): boolean {
  return name.startsWith(`${WHITEN_BIAS_LAYER}/`);
}

/** True for the parameters Muon trains under `--optimizer muon`: every trainable filter tensor (rank 4). */
function isFilter(p: NamedParam): boolean {
  return p.variable.rank === 4;
}

/**
 * The SGD parameter groups of `model`: the BN biases with `cfg.biasLrScale` and `cfg.biasWdScale` (Page: x64,
 * /64 once the BN scales are frozen), everything else at x1. With `--optimizer muon` the filters are Muon's and
 * left out here, and the whitening bias joins the biases (airbench94_muon.py: `lr=bias_lr`); with
 * `whitenBiasDecay` it is a group of its own whose rate falls linearly from the biases' peak to 0 over
 * `whitenBiasEpochs`. A group with no parameters is left out.
 */
export function paramGroups(model: tf.LayersModel, cfg: TrainConfig): ParamGroup[] {
  const muon = cfg.optimizer === "muon";
  const params = namedParams(model).filter((p) => !(muon && isFilter(p)));
  const whitenBias = (p: NamedParam) => (muon || cfg.whitenBiasDecay) && isWhitenBias(p.name);
  const bias = { lrScale: cfg.biasLrScale, wdScale: cfg.biasWdScale };
  const peak = sgdRates(cfg).lr * cfg.biasLrScale, epochs = cfg.whitenBiasEpochs;
  const groups: ParamGroup[] = [
    {
      name: "weights",
      lrScale: 1,
      wdScale: 1,
      params: params.filter((p) => !isBnBias(p.name) && !whitenBias(p)),
    },
    {
      name: "bn-bias",
      ...bias,
      params: params.filter((p) => isBnBias(p.name) || (whitenBias(p) && !cfg.whitenBiasDecay)),
    },
    {
      name: "whiten-bias",
      ...bias,
      params: params.filter((p) => whitenBias(p) && cfg.whitenBiasDecay),
      schedule: (epoch) => (epochs > 0 ? peak * Math.max(0, 1 - epoch / epochs) : 0),
    },
  ];
  return groups.filter((g) => g.params.length > 0);
}

/**
 * SGD over {@link paramGroups} with the config's momentum, weight decay ({@link sgdRates}) and Nesterov setting,
 * its update run with `kernels` (see {@link MomentumSgd}).
 */
export function makeSgd(model: tf.LayersModel, cfg: TrainConfig, kernels?: KernelRuntime): MomentumSgd {
  return new MomentumSgd(paramGroups(model, cfg), {
    momentum: cfg.momentum,
    weightDecay: sgdRates(cfg).weightDecay,
    nesterov: cfg.nesterov,
  }, kernels);
}

/**
 * The optimizer of a run: {@link makeSgd} alone, or with `--optimizer muon` Muon over the filters (its rate
 * `muonLr` on the run's schedule, its own momentum, the config's Nesterov setting) beside SGD over the rest; the
 * SGD update runs with `kernels`.
 */
export function makeOptimizer(model: tf.LayersModel, cfg: TrainConfig, kernels?: KernelRuntime): Optimizer {
  const sgd = makeSgd(model, cfg, kernels);
  if (cfg.optimizer !== "muon") return sgd;
  const lr = sgdRates(cfg).lr;
  if (!(lr > 0)) {
    throw new Error(`--optimizer muon needs a positive --lr (the SGD groups' rate), not ${cfg.lr}`);
  }
  const muon = new Muon(namedParams(model).filter(isFilter), {
    momentum: cfg.muonMomentum,
    nesterov: cfg.nesterov,
    lrScale: cfg.muonLr / lr,
  });
  return new Optimizers([muon, sgd]);
}
