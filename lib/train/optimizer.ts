import type { tf } from "../backend/tf.ts";
import type { NamedParam } from "./sgd.ts";

/** What a training session steps: SGD over parameter groups, Muon, or both (airbench94_muon). */
export interface Optimizer {
  /** Every parameter it updates. */
  readonly params: ReadonlyArray<NamedParam>;
  /**
   * One update at the run's learning rate `lr`, at `epoch` (progress in epochs, for a group with a schedule of its
   * own); parameters named in `frozen` are left alone. `grads` maps variable names to gradients.
   */
  step(grads: tf.NamedTensorMap, lr: number, frozen?: ReadonlySet<string>, epoch?: number): void;
  /** Its buffers by parameter name (for checkpoints). */
  state(): tf.NamedTensorMap;
  /** Restores {@link state}; throws when a buffer is missing. */
  setState(state: tf.NamedTensorMap): void;
  /** Frees its buffers. */
  dispose(): void;
}

/** Several optimizers over disjoint parameters, stepped in order, as one. */
export class Optimizers implements Optimizer {
  readonly params: ReadonlyArray<NamedParam>;

  /** The parts must not share a parameter (their buffers are keyed by parameter name). */
  constructor(readonly parts: ReadonlyArray<Optimizer>) {
    this.params = parts.flatMap((p) => p.params);
    const names = this.params.map((p) => p.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) throw new Error(`parameter ${twice} is in two optimizers`);
  }

  step(grads: tf.NamedTensorMap, lr: number, frozen?: ReadonlySet<string>, epoch?: number): void {
    for (const p of this.parts) p.step(grads, lr, frozen, epoch);
  }

  state(): tf.NamedTensorMap {
    return Object.assign({}, ...this.parts.map((p) => p.state()));
  }

  setState(state: tf.NamedTensorMap): void {
    for (const p of this.parts) p.setState(state);
  }

  dispose(): void {
    for (const p of this.parts) p.dispose();
  }
}
