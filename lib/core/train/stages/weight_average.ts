import { tf } from "../../backend/tf.ts";
import { copyWeights, pairCheckpoint, pairWeights, type WeightPair } from "./weights.ts";
import type { Stage, StageContext } from "./stage.ts";

/**
 * Page's weight average (bag_of_tricks.ipynb `update_ema(momentum=0.99, update_freq=5)`), on with `emaEvery` > 0:
 * after the steps 0, k, 2k, ... every float of the state (BN running statistics included) is averaged,
 * avg = rho * avg + (1 - rho) * w with rho = emaMomentum^k, into a second net, which is what evaluation and the
 * saved model use. The trained net is left as it is.
 */
export function weightAverage(ctx: StageContext): Stage | undefined {
  const { emaEvery: every, emaMomentum: momentum } = ctx.cfg;
  if (every <= 0) return undefined;
  const average = ctx.build();
  const pairs: WeightPair[] = pairWeights(ctx.model, average);
  tf.tidy(() => copyWeights(pairs, "toTarget"));
  const rho = momentum ** every;
  return {
    name: "ema",
    evalModel: average,
    afterStep(step) {
      if (step % every !== 0) return;
      tf.tidy(() => {
        for (const p of pairs) {
          p.target.write(tf.add(tf.mul(p.target.read(), rho), tf.mul(p.source.read(), 1 - rho)));
        }
      });
    },
    ...pairCheckpoint(pairs, "averaged"),
    dispose: () => average.dispose(),
  };
}
