import { flipTrick, trickIsOn, trickSpec } from "../../core/config/mod.ts";
import type { TrainConfig } from "../../core/train/mod.ts";

/** One arm of an ablation: the base, or the base with one trick flipped. */
export interface Variant {
  /** "base", or the toggle with the state it was flipped to: "+ema", "-whiten". */
  name: string;
  toggle: string | null;
  config: TrainConfig;
}

/** The base and, for each toggle, the base with that trick flipped (on when the base has it off, else off). */
export function ablationVariants(base: TrainConfig, toggles: readonly string[]): Variant[] {
  for (const t of toggles) trickSpec(t);
  return [
    { name: "base", toggle: null, config: base },
    ...toggles.map((t) => ({
      name: `${trickIsOn(base, t) ? "-" : "+"}${t}`,
      toggle: t,
      config: flipTrick(base, t),
    })),
  ];
}
