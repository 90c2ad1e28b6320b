import { tf } from "../../backend/tf.ts";
import { copyWeights, pairCheckpoint, pairWeights } from "./weights.ts";
import type { Stage, StageContext } from "./stage.ts";

/**
 * airbench94's lookahead average (airbench94.py `LookaheadState`), on with `lookaheadEvery` > 0: a copy of every
 * float of the state (BN running statistics included) starts as the initial net; after every k-th step
 * (airbench: `current_steps % 5 == 0`, counting steps from 1) it moves towards the net,
 * avg = decay * avg + (1 - decay) * w with decay = lookaheadDecay^k * (steps / totalSteps)^lookaheadPower
 * (`alpha_schedule = 0.95**5 * (arange / total)**3`), and the net is set to it (`net_param.copy_(ema_param)`). After
 * the last step the net takes the average once more (`update(model, decay=1.0)`). Early on the decay is near 0,
 * so the average follows the net; it averages more and more towards the end.
 */
export function lookahead(ctx: StageContext): Stage | undefined {
  const { lookaheadEvery: every, lookaheadDecay: decay, lookaheadPower: power } = ctx.cfg;
  if (every <= 0) return undefined;
  const average = ctx.build();
  const pairs = pairWeights(ctx.model, average);
  tf.tidy(() => copyWeights(pairs, "toTarget"));
  const update = (d: number) =>
    tf.tidy(() => {
      for (const p of pairs) {
        if (d < 1) p.target.write(tf.add(tf.mul(p.target.read(), d), tf.mul(p.source.read(), 1 - d)));
      }
      copyWeights(pairs, "toSource");
    });
  return {
    name: "lookahead",
    afterStep(step) {
      const n = step + 1;
      if (n % every === 0) update(decay ** every * (n / ctx.totalSteps) ** power);
    },
    afterRun: () => update(1),
    ...pairCheckpoint(pairs, "lookahead"),
    dispose: () => average.dispose(),
  };
}
