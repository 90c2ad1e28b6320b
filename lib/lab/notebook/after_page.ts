/**
 * What airbench94 changed relative to Page's final recipe (the `tricks` preset) and why, with each side's measured
 * effect as its author reports it. Teaching data for notebook 12: every number here is Page's or Keller Jordan's,
 * quoted with its source; none was measured by davidnet.
 */

/** Why a hyperparameter differs between `tricks` and `airbench94`, and what each author measured. */
export interface AfterPageNote {
  /** The schema flags this note explains. */
  flags: readonly string[];
  /** What changed, in words. */
  change: string;
  why: string;
  /** Page's measured effect of his version (bag_of_tricks.ipynb, part 8), or what he did not try. */
  page: string;
  /** airbench's (airbench94.py comments; the paper, arXiv 2404.00498). */
  airbench: string;
}

const NO_NUMBER = "no separate figure for airbench94 in airbench94.py or its README";

/** The changes, in the order of the net, the data, the optimiser, the averaging and the evaluation. */
export const AFTER_PAGE_NOTES: readonly AfterPageNote[] = [
  {
    flags: ["arch"],
    change:
      "DavidNet's residual net (64-128-256-512) -> three conv groups of two convs (64-256-256), no residuals",
    why: "fewer FLOPs per image: 0.24 GFLOP forward against DavidNet's 0.76 (notebook 12 counts them)",
    page: "part 4: the residual L1+L3 net, 94.1% in 24 epochs",
    airbench: "0.36 PFLOP for a whole run against DavidNet-24's ~2.7 (airbench94.py header)",
  },
  {
    flags: ["activation", "celu-alpha"],
    change: "CELU(0.3) -> GELU",
    why: "a smooth activation again; GELU is airbench's choice throughout",
    page: 'part 8 "CELU activations (52s)": 94.1% in 20 epochs (from 23)',
    airbench: NO_NUMBER,
  },
  {
    flags: ["whiten", "whiten-bias-epochs"],
    change:
      "3x3 whitening (27 filters + a 1x1 conv-bn-act) -> 2x2 whitening, 24 filters (12 and their negatives)",
    why:
      "a smaller patch is cheaper; the negated copy lets the following GELU pass both signs of each component; " +
      "the trained bias (3 epochs) lets the first layer shift what it passes",
    page: 'part 8 "Input patch whitening (36s)": 94.1% in 15 epochs',
    airbench: "the paper lists patch-whitening initialisation among its features; " + NO_NUMBER,
  },
  {
    flags: ["dirac-init"],
    change: "PyTorch's default conv init -> the first filters of each conv start as the identity (Dirac)",
    why:
      "each conv starts close to passing its input on, which helps a net without residual connections train fast",
    page: "not tried (DavidNet has residual blocks)",
    airbench: "the paper's partial identity initialisation; " + NO_NUMBER,
  },
  {
    flags: ["ghost-batch", "bn-momentum", "bn-eps", "logit-scale"],
    change:
      "ghost batch norm (groups of 32) -> whole-batch BN; running statistics momentum 0.6 (airbench's " +
      "convention); eps 1e-12; logits x 1/16 -> x 1/9",
    why: "at batch 1024 whole-batch statistics are cheap; the fast running statistics suit a 10-epoch run",
    page: 'part 8 "Ghost batch norm (46s)": 94.1% in 18 epochs',
    airbench: NO_NUMBER,
  },
  {
    flags: ["pad", "alternate-flip"],
    change: "random crop after 4-pixel padding, random flips -> 2-pixel translations, alternating flip",
    why: "every image is seen both ways every two epochs instead of by chance, which removes redundant " +
      "repetitions at short training lengths",
    page: "random flip and crop throughout the series",
    airbench:
      "the paper: the alternating flip improves on random flipping in every case where flipping helps",
  },
  {
    flags: ["epochs", "batch-size"],
    change: "10 epochs of batch 512 -> 9.9 epochs of batch 1024 (476 steps)",
    why: "larger batches keep a GPU busy; the fraction of an epoch trims steps the schedule does not need",
    page: 'part 8 "Test-time augmentation (26s)": 94.1% in 10 epochs',
    airbench: "94.01% mean of 1000 runs in 3.83 s on an A100 (airbench94.py header)",
  },
  {
    flags: ["lr", "weight-decay", "momentum", "decoupled"],
    change:
      "lr 1.0 and weight decay 5e-4 on the mean loss, momentum 0.9 -> lr 11.5 and weight decay 0.0153 per " +
      "1024 examples in the decoupled form, momentum 0.85 (1.5 and 0.0013 on the mean loss)",
    why:
      "in the decoupled form each hyperparameter can be tuned alone: the lr is divided by 1 + 1/(1 - momentum) " +
      "and the weight decay does not scale with the lr (Page's part 5 argument, made the parametrisation)",
    page: "parts 5-6: lr x weight decay is what matters for batch-normed weights",
    airbench:
      "airbench94.py: 'hyperparameter tuning is faster, since this parametrization allows each one to be " +
      "tuned independently'",
  },
  {
    flags: ["lr-start", "lr-peak", "lr-end", "lr-end-at"],
    change: "0 -> 1 at 20% -> 0.1 at 80%, held -> 0.2 -> 1 at 23% -> 0.07 at the end",
    why: "a short run cannot spend a fifth of its steps warming up from zero",
    page: "part 8: the final lr held for the weight average",
    airbench: NO_NUMBER,
  },
  {
    flags: ["ema-every", "lookahead-every"],
    change:
      "an average of the weights kept aside for evaluation -> the lookahead average, copied back into the " +
      "net every 5 steps, averaging more towards the end",
    why:
      "the net itself trains from the averaged point, and the average only starts to matter late in the run",
    page: 'part 8 "Exponential moving averages (34s)": 13 epochs',
    airbench: "the paper lists Lookahead optimisation among its features; " + NO_NUMBER,
  },
  {
    flags: ["tta"],
    change: "mirror TTA -> mirror plus 1-pixel translations up-left and down-right at half weight (6 views)",
    why: "more views of each test image for a few more forward passes, outside the training clock",
    page: 'part 8 "Test-time augmentation (26s)": from 13 to 10 epochs',
    airbench: NO_NUMBER,
  },
];

/** The note that explains `flag`, or undefined. */
export function afterPageNote(flag: string): AfterPageNote | undefined {
  return AFTER_PAGE_NOTES.find((n) => n.flags.includes(flag));
}
