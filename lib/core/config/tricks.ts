import { getPath, param, type ParamValue, setPath } from "./schema.ts";

/** One setting of a trick: a hyperparameter (by flag) and its value with the trick off and on. */
export interface TrickSetting {
  flag: string;
  off: ParamValue;
  on: ParamValue;
  /**
   * For the first setting: the trick is on when the value is not `off` (the default: ghost batch 16 counts as on)
   * or only when it `equal`s `on` (GELU is not on in a CELU net).
   */
  onWhen?: "not-off" | "equal";
}

/** One trick of Page's bag: a toggle name, what it sets, where it comes from and what he measured. */
export interface TrickSpec {
  /** The toggle's name (`deno task ablate --toggle NAME`). */
  toggle: string;
  trick: string;
  /** The hyperparameters it sets; the first decides whether a config has it on. */
  settings: readonly TrickSetting[];
  /** Page's post and his measured effect. */
  source: string;
}

/** Every trick of "How to train your ResNet 8: Bag of tricks", as toggles over the config schema. */
export const TRICK_SPECS: readonly TrickSpec[] = [
  {
    toggle: "move-pool",
    trick: "Moved max pool (conv, pool, BN, act)",
    settings: [{ flag: "move-pool", off: false, on: true }],
    source: 'part 8, bag_of_tricks.ipynb "Moving max-pool layers (64s)": 70 s -> 64 s, one epoch more (25)',
  },
  {
    toggle: "label-smoothing",
    trick: "Label smoothing",
    settings: [{ flag: "label-smoothing", off: 0, on: 0.2 }],
    source: 'part 8 "Label smoothing (59s)": 94.1% in 23 epochs',
  },
  {
    toggle: "celu",
    trick: "CELU activation",
    settings: [{ flag: "activation", off: "relu", on: "celu" }],
    source: 'part 8 "CELU activations (52s)": 94.1% in 20 epochs',
  },
  {
    toggle: "ghost-bn",
    trick: "Ghost batch norm (groups of 32)",
    settings: [{ flag: "ghost-batch", off: 0, on: 32 }],
    source: 'part 8 "Ghost batch norm (46s)": 94.1% in 18 epochs, max lr x1.5',
  },
  {
    toggle: "frozen-bn-scale",
    trick: "Frozen BN scales, with CELU alpha 0.3, logits x 1/16, BN biases lr x64 and wd /64",
    settings: [
      { flag: "freeze-bn-scale", off: false, on: true },
      { flag: "celu-alpha", off: 0.075, on: 0.3 },
      { flag: "logit-scale", off: 0.125, on: 1 / 16 },
      { flag: "bias-lr-scale", off: 1, on: 64 },
      { flag: "bias-wd-scale", off: 1, on: 1 / 64 },
    ],
    source: 'part 8 "Frozen batch norm scales (43s)": 94.1% in 17 epochs',
  },
  {
    toggle: "whiten",
    trick: "Input patch whitening",
    settings: [{ flag: "whiten", off: "none", on: "3x3" }],
    source: 'part 8 "Input patch whitening (36s)": 94.1% in 15 epochs (39 s), 14 with a higher max lr',
  },
  {
    toggle: "ema",
    trick: "Exponential moving average of the weights",
    settings: [{ flag: "ema-every", off: 0, on: 5 }],
    source: 'part 8 "Exponential moving averages (34s)": 13 epochs, final lr held',
  },
  {
    toggle: "tta",
    trick: "Flip test-time augmentation",
    settings: [{ flag: "tta", off: "none", on: "flip" }],
    source: 'part 8 "Test-time augmentation (26s)": 94.1% in 10 epochs with flip TTA',
  },
  {
    toggle: "cutout",
    trick: "Cutout 8x8",
    settings: [{ flag: "cutout", off: 0, on: 8 }],
    source: "DAWNBench (parts 1-4); part 8 drops it with TTA at 10 epochs",
  },
];

/**
 * airbench94's pieces beyond Page's bag (KellerJordan/cifar10-airbench legacy/airbench94.py; the paper, arXiv
 * 2404.00498, describes them but airbench publishes no per-piece timing for airbench94), as toggles too. The
 * decoupled hyperparameters are no toggle: they change what `--lr` and `--weight-decay` mean.
 */
export const AIRBENCH_TRICK_SPECS: readonly TrickSpec[] = [
  {
    toggle: "gelu",
    trick: "GELU activation",
    settings: [{ flag: "activation", off: "relu", on: "gelu", onWhen: "equal" }],
    source: "airbench94.py lines 198, 221: nn.GELU()",
  },
  {
    toggle: "dirac-init",
    trick: "Dirac (partial identity) initialisation of the convs",
    settings: [{ flag: "dirac-init", off: false, on: true }],
    source: "airbench94.py lines 183-188: dirac_(w[:w.size(1)])",
  },
  {
    toggle: "whiten-2x2",
    trick: "2x2 patch whitening with negated filters, its bias trained for 3 epochs",
    settings: [
      { flag: "whiten", off: "none", on: "2x2", onWhen: "equal" },
      { flag: "whiten-bias-epochs", off: 0, on: 3 },
    ],
    source: "airbench94.py lines 47, 239-258, 410",
  },
  {
    toggle: "lookahead",
    trick: "Lookahead average (every 5 steps, copied back into the net)",
    settings: [{ flag: "lookahead-every", off: 0, on: 5 }],
    source: "airbench94.py lines 264-273, 381, 434-439",
  },
  {
    toggle: "alternate-flip",
    trick: "Alternating flip (each image flipped the other way every other epoch)",
    settings: [{ flag: "alternate-flip", off: false, on: true }],
    source: "airbench94.py lines 124-150; the paper: better than random flipping wherever flipping helps",
  },
  {
    toggle: "multi-crop-tta",
    trick: "Mirror + 1-pixel translation TTA (level 2)",
    settings: [{ flag: "tta", off: "flip", on: "airbench", onWhen: "equal" }],
    source: "airbench94.py lines 61, 288-318",
  },
];

/** Every toggle's trick: Page's bag, then airbench's pieces. */
const ALL_TRICKS: readonly TrickSpec[] = [...TRICK_SPECS, ...AIRBENCH_TRICK_SPECS];

/** The toggle names. */
export const TOGGLES = ALL_TRICKS.map((t) => t.toggle);

/** The trick of toggle `name`; throws naming the known toggles when there is none. */
export function trickSpec(name: string): TrickSpec {
  const t = ALL_TRICKS.find((s) => s.toggle === name);
  if (!t) throw new Error(`no trick '${name}'; toggles: ${TOGGLES.join(", ")}`);
  return t;
}

/** True when `config` has trick `name` on (its first setting is not off, or equals on: see `onWhen`). */
export function trickIsOn(config: object, name: string): boolean {
  const s = trickSpec(name).settings[0], value = getPath(config, param(s.flag).path);
  return s.onWhen === "equal" ? value === s.on : value !== s.off;
}

/** `config` with trick `name` switched to the other state: every setting to its off or on value. */
export function flipTrick<T extends object>(config: T, name: string): T {
  const on = !trickIsOn(config, name);
  return trickSpec(name).settings.reduce(
    (c, s) => setPath(c, param(s.flag).path, on ? s.on : s.off),
    config,
  );
}

/** One row of the bag-of-tricks table: the trick, whether davidnet has it, and how to switch it on. */
export interface Trick {
  trick: string;
  available: boolean;
  how: string;
}

/** Page's bag of tricks with what davidnet offers: the toggles' flags, and mixed precision with why not. */
export const BAG_OF_TRICKS: Trick[] = [
  ...TRICK_SPECS.map((t) => ({
    trick: t.trick,
    available: true,
    how: t.settings.map((s) => (s.on === true ? `--${s.flag}` : `--${s.flag} ${s.on}`)).join(" "),
  })),
  {
    trick: "Mixed precision (float16)",
    available: false,
    how: "not available: tfjs's WebGPU backend has no float16 tensors (float32 only)",
  },
];
