import { tf } from "../../backend/tf.ts";

/** A weight of the trained net and its counterpart in a second net of the same spec. */
export interface WeightPair {
  name: string;
  source: tf.LayerVariable;
  target: tf.LayerVariable;
}

/** Every weight of `model` (trainable or not) paired by name with `other`'s; throws when one is missing. */
export function pairWeights(model: tf.LayersModel, other: tf.LayersModel): WeightPair[] {
  const byName = new Map(other.weights.map((w) => [w.originalName, w]));
  return model.weights.map((source) => {
    const target = byName.get(source.originalName);
    if (!target) throw new Error(`the second net has no weight ${source.originalName}`);
    return { name: source.originalName, source, target };
  });
}

/**
 * Copies every pair's weight one way into its own buffer (a plain clone would share the buffer, which the
 * in-place kernels, the fused SGD and BN running statistics, then update in both nets). Call inside `tf.tidy`.
 */
export function copyWeights(pairs: WeightPair[], direction: "toTarget" | "toSource"): void {
  for (const p of pairs) {
    if (direction === "toTarget") p.target.write(tf.mul(p.source.read(), 1));
    else p.source.write(tf.mul(p.target.read(), 1));
  }
}

/**
 * The checkpoint hooks of a stage that keeps second-net weights: its state is the targets by name, and restoring
 * copies each saved tensor into its target (throwing, with `what`, when one is missing).
 */
export function pairCheckpoint(
  pairs: WeightPair[],
  what: string,
): { state: () => tf.NamedTensorMap; setState: (state: tf.NamedTensorMap) => void } {
  return {
    state: () => Object.fromEntries(pairs.map((p) => [p.name, p.target.read()])),
    setState(state) {
      for (const p of pairs) {
        const saved = state[p.name];
        if (!saved) throw new Error(`checkpoint has no ${what} weight ${p.name}`);
        tf.tidy(() => {
          p.target.write(tf.mul(saved, 1));
        });
      }
    },
  };
}
