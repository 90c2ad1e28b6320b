import type { tf } from "../../backend/tf.ts";
import type { TrainConfig } from "../types.ts";

/** What a stage sees of the run it belongs to. */
export interface StageContext {
  cfg: TrainConfig;
  /** The net being trained. */
  model: tf.LayersModel;
  /** Builds a fresh net like `model` (same spec, seed and whitening), e.g. to hold an average. */
  build: () => tf.LayersModel;
  stepsPerEpoch: number;
  /** Steps of the whole run. */
  totalSteps: number;
}

/**
 * One piece of a training step beyond forward, loss and SGD (a trick of Page's or airbench's): the session runs
 * its stages in order at fixed points of the step, and a new trick is a new stage file plus one schema line. Every
 * hook is optional.
 */
export interface Stage {
  /** Short name; also the prefix of its tensors in a checkpoint (`<name>/...`). */
  readonly name: string;
  /** Names (`NamedParam.name`) of trainable parameters that SGD must leave alone during epoch `epoch` (0-based). */
  frozen?(epoch: number): ReadonlySet<string>;
  /** After global step `step`'s update (0-based). */
  afterStep?(step: number): void;
  /** After the run's last step, before the final evaluation. */
  afterRun?(): void;
  /** The net to evaluate and save, when it is not the trained one (a weight average). */
  readonly evalModel?: tf.LayersModel;
  /** Tensors to keep in a checkpoint, by name without the prefix. */
  state?(): tf.NamedTensorMap;
  /** Restores {@link state}; throws when something is missing. */
  setState?(state: tf.NamedTensorMap): void;
  /** Frees what the stage owns (not `evalModel` when the caller keeps it). */
  dispose?(): void;
}

/** A stage for `ctx`'s run, or undefined when its config leaves the trick off. */
export type StageFactory = (ctx: StageContext) => Stage | undefined;
