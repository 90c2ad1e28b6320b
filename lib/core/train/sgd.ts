import { tf } from "../backend/tf.ts";
import { fusedSgdUpdate, type KernelRuntime } from "../kernels/mod.ts";
import type { Schedule } from "../schedule/mod.ts";
import { type Optimizer, ParamBuffers } from "./optimizer.ts";

/** A parameter and its stable (checkpoint) name. */
export interface NamedParam {
  name: string;
  variable: tf.Variable;
}

/** An SGD parameter group: its parameters, and multipliers of the learning rate and the weight decay. */
export interface ParamGroup {
  name: string;
  lrScale: number;
  wdScale: number;
  params: NamedParam[];
  /**
   * The group's own learning rate by progress in epochs, in place of the run's rate x `lrScale` (airbench94_muon's
   * whitening bias, whose rate decays to 0 over its own epochs); absent for the run's schedule.
   */
  schedule?: Schedule;
}

/** Settings shared by every group. */
export interface SgdSettings {
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
}

/**
 * SGD with (Nesterov) momentum and L2 weight decay over parameter groups, in PyTorch's form:
 * g = grad + wd * w; v = mu * v + g; w -= lr * (nesterov ? g + mu * v : v), with each group's lr and wd scaled
 * by its multipliers (Page's BN-bias group: lr x 64, wd / 64).
 *
 * Page sums the loss over the batch with lr / batch and weight decay 5e-4 x batch; with the mean loss used
 * here that is exactly lr = 0.4 and weight decay 5e-4 (both products lr * grad and lr * wd * w are unchanged).
 * His update keeps lr inside the velocity (v = mu * v - lr * g); the two forms agree while lr is constant and
 * differ slightly while it changes.
 */
export class MomentumSgd implements Optimizer {
  readonly #velocity: ParamBuffers;
  readonly #fused: boolean;
  /** Every parameter, over all groups. */
  readonly params: ReadonlyArray<NamedParam>;

  /**
   * Momentum buffers start at zero, one per parameter. With `kernels` of a session whose fused WebGPU kernels run
   * ({@link KernelRuntime.fusedWebGpu}) each parameter's update is one fused in-place dispatch; otherwise (and
   * without `kernels`) tfjs's elementwise ops.
   */
  constructor(
    readonly groups: ReadonlyArray<ParamGroup>,
    readonly settings: SgdSettings,
    kernels?: KernelRuntime,
  ) {
    this.params = groups.flatMap((g) => g.params);
    this.#velocity = new ParamBuffers(this.params, "momentum");
    this.#fused = kernels?.fusedWebGpu ?? false;
  }

  /**
   * Applies one update with learning rate `lr`; `grads` maps variable names to gradients. Parameters named in
   * `frozen` are left alone (no step, no decay, no momentum), as PyTorch skips a parameter without a gradient.
   * A group with a schedule of its own takes its rate at `epoch`.
   */
  step(grads: tf.NamedTensorMap, lr: number, frozen: ReadonlySet<string> = new Set(), epoch = 0): void {
    const { momentum, nesterov } = this.settings;
    for (const group of this.groups) {
      const glr = group.schedule ? group.schedule(epoch) : lr * group.lrScale;
      const wd = this.settings.weightDecay * group.wdScale;
      for (const { name, variable: w } of group.params) {
        if (frozen.has(name)) continue;
        const grad = grads[w.name];
        if (!grad) throw new Error(`no gradient for ${name}`);
        const v = this.#velocity.get(name);
        if (this.#fused) {
          fusedSgdUpdate(w, v, grad, { lr: glr, momentum, weightDecay: wd, nesterov });
          continue;
        }
        tf.tidy(() => {
          const g = wd ? tf.add(grad, tf.mul(w, wd)) : grad;
          const vNew = tf.add(tf.mul(v, momentum), g);
          v.assign(vNew);
          const dir = nesterov ? tf.add(g, tf.mul(vNew, momentum)) : vNew;
          w.assign(tf.sub(w, tf.mul(dir, glr)));
        });
      }
    }
  }

  /** The momentum buffers by parameter name (for checkpoints). */
  state(): tf.NamedTensorMap {
    return this.#velocity.state();
  }

  /** Restores momentum buffers saved by {@link state}; throws when one is missing or mis-shaped. */
  setState(state: tf.NamedTensorMap): void {
    this.#velocity.setState(state);
  }

  /** Frees the momentum buffers. */
  dispose(): void {
    this.#velocity.dispose();
  }
}
