import { tf } from "../backend/tf.ts";
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

/**
 * One buffer per parameter (momentum), zeros of its shape, keyed by the parameter's name: what an optimizer
 * checkpoints. `what` names the buffers in errors ("momentum", "Muon momentum").
 */
export class ParamBuffers {
  readonly #buffers: Map<string, tf.Variable>;

  /** Zero buffers for `params`. */
  constructor(params: ReadonlyArray<NamedParam>, readonly what: string) {
    this.#buffers = new Map(
      params.map((p) => [p.name, tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false))]),
    );
  }

  /** The buffer of parameter `name`. */
  get(name: string): tf.Variable {
    const v = this.#buffers.get(name);
    if (!v) throw new Error(`no ${this.what} buffer for ${name}`);
    return v;
  }

  /** The buffers by parameter name (for checkpoints). */
  state(): tf.NamedTensorMap {
    return Object.fromEntries(this.#buffers);
  }

  /** Restores buffers saved by {@link state}; throws when one is missing or mis-shaped. */
  setState(state: tf.NamedTensorMap): void {
    for (const [name, v] of this.#buffers) {
      const saved = state[name];
      if (!saved || saved.shape.join() !== v.shape.join()) {
        throw new Error(`checkpoint has no ${this.what} for ${name}`);
      }
      v.assign(saved);
    }
  }

  /** Frees the buffers. */
  dispose(): void {
    for (const v of this.#buffers.values()) v.dispose();
  }
}
