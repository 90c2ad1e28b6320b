import { tf } from "../backend/mod.ts";
import { fusedOnWebGpu, fusedSgdUpdate } from "../kernels/mod.ts";

/**
 * SGD with (Nesterov) momentum and L2 weight decay, in PyTorch's form:
 * g = grad + wd * w; v = mu * v + g; w -= lr * (nesterov ? g + mu * v : v).
 *
 * The seed sums the loss over the batch with lr / batch and weight decay 5e-4 x batch; with the mean loss used
 * here that is exactly lr = 0.4 and weight decay 5e-4 (both products lr * grad and lr * wd * w are unchanged).
 */
export class NesterovSgd {
  readonly #velocity: Map<string, tf.Variable>;

  /** Momentum buffers start at zero, one per parameter; `name` is the parameter's stable (checkpoint) name. */
  constructor(
    readonly params: ReadonlyArray<{ name: string; variable: tf.Variable }>,
    readonly momentum = 0.9,
    readonly weightDecay = 5e-4,
    readonly nesterov = true,
  ) {
    this.#velocity = new Map(
      params.map((p) => [p.name, tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false))]),
    );
  }

  /**
   * Applies one update with learning rate `lr`; `grads` maps variable names to gradients. With `fast` kernels on
   * WebGPU each parameter takes one fused in-place dispatch; otherwise tfjs's elementwise ops.
   */
  step(grads: tf.NamedTensorMap, lr: number): void {
    if (fusedOnWebGpu()) {
      const h = { lr, momentum: this.momentum, weightDecay: this.weightDecay, nesterov: this.nesterov };
      for (const { name, variable: w } of this.params) {
        const grad = grads[w.name];
        if (!grad) throw new Error(`no gradient for ${name}`);
        fusedSgdUpdate(w, this.#velocity.get(name)!, grad, h);
      }
      return;
    }
    tf.tidy(() => {
      for (const { name, variable: w } of this.params) {
        const grad = grads[w.name];
        if (!grad) throw new Error(`no gradient for ${name}`);
        const v = this.#velocity.get(name)!;
        const g = this.weightDecay ? tf.add(grad, tf.mul(w, this.weightDecay)) : grad;
        const vNew = tf.add(tf.mul(v, this.momentum), g);
        v.assign(vNew);
        const dir = this.nesterov ? tf.add(g, tf.mul(vNew, this.momentum)) : vNew;
        w.assign(tf.sub(w, tf.mul(dir, lr)));
      }
    });
  }

  /** The momentum buffers by parameter name (for checkpoints). */
  state(): tf.NamedTensorMap {
    return Object.fromEntries(this.#velocity);
  }

  /** Restores momentum buffers saved by {@link state}; throws when one is missing or mis-shaped. */
  setState(state: tf.NamedTensorMap): void {
    for (const [name, v] of this.#velocity) {
      const saved = state[name];
      if (!saved || saved.shape.join() !== v.shape.join()) {
        throw new Error(`checkpoint has no momentum for ${name}`);
      }
      v.assign(saved);
    }
  }

  /** Frees the momentum buffers. */
  dispose(): void {
    for (const v of this.#velocity.values()) v.dispose();
  }
}
