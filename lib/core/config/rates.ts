import { makeSchedule, type Schedule } from "../schedule/mod.ts";
import type { TrainConfig } from "./train_config.ts";

/** Examples per unit of airbench's decoupled lr and weight decay (airbench94.py: "per 1024 examples"). */
export const DECOUPLED_EXAMPLES = 1024;

/**
 * The SGD's peak learning rate and weight-decay coefficient on the mean loss, as the session applies them. Without
 * `decoupled` they are the config's. With it (airbench94.py `main`): the config's lr and weight decay are per 1024
 * examples, `kilostep_scale = 1024 x (1 + 1 / (1 - momentum))`, PyTorch's lr = lr / kilostep_scale and weight
 * decay wd x batch / kilostep_scale on the summed loss, passed as `weight_decay = wd / lr`. On the mean loss that is
 * lr x batch / kilostep_scale and a coefficient of wd / lr: the same step and the same decay per step.
 */
export function sgdRates(cfg: TrainConfig): { lr: number; weightDecay: number } {
  if (!cfg.decoupled) return { lr: cfg.lr, weightDecay: cfg.weightDecay };
  const kilostep = DECOUPLED_EXAMPLES * (1 + 1 / (1 - cfg.momentum));
  return { lr: (cfg.lr * cfg.batchSize) / kilostep, weightDecay: cfg.lr > 0 ? cfg.weightDecay / cfg.lr : 0 };
}

/** The learning rate of `cfg` as a function of progress in epochs: its schedule's shape at its {@link sgdRates} lr. */
export function scheduleOf(cfg: TrainConfig): Schedule {
  return makeSchedule(
    cfg.schedule,
    { lr: sgdRates(cfg).lr, start: cfg.lrStart, peak: cfg.lrPeak, end: cfg.lrEnd, endAt: cfg.lrEndAt },
    cfg.epochs,
  );
}
