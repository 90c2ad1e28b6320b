/**
 * A learner's index of the teaching notebooks: David Page's "How to train your ResNet" in the order of its posts
 * (parts 1-8), then what came after (airbench), each with what it teaches, the notebooks that cover it, and what
 * no notebook covers yet. Notebook 00 shows it; tests/notebooks_test.ts checks that every notebook it names exists
 * and that every teaching notebook is named.
 */

/** One entry of the index: a post of Page's series (or the work after it). */
export interface IndexEntry {
  /** "part 1" ... "part 8", or "after Page". */
  post: string;
  title: string;
  url: string;
  /** One line on what the post teaches. */
  teaches: string;
  /** Notebook files that cover it (`NN-name.ipynb`), the main one first, each with what it covers. */
  notebooks: ReadonlyArray<{ file: string; covers: string }>;
  /** What of the post no notebook covers, or null. */
  missing: string | null;
}

const MYRTLE = "https://myrtle.ai/learn/";
/** The series index, which links every post; used for the posts whose own address is not quoted elsewhere here. */

/** The index, in the order of Page's posts, then airbench. */
export const PAGE_INDEX: readonly IndexEntry[] = [
  {
    post: "part 1",
    title: "Baseline",
    url: `${MYRTLE}how-to-train-your-resnet-1-baseline/`,
    teaches:
      "where the time of a training run goes outside the net: preprocess once, draw augmentation in bulk",
    notebooks: [
      { file: "11-where-the-time-goes.ipynb", covers: "preprocessing once and bulk draws, measured" },
      { file: "01-data.ipynb", covers: "CIFAR-10 and its checks" },
      { file: "02-shards.ipynb", covers: "the data on disk" },
      { file: "03-augmentation.ipynb", covers: "crop, flip, cutout drawn once per epoch" },
    ],
    missing: "the 35-epoch DAWNBench ResNet-18 that part 1 starts from is not built or trained here",
  },
  {
    post: "part 2",
    title: "Mini-batches",
    url: `${MYRTLE}how-to-train-your-resnet-2-mini-batches/`,
    teaches: "bigger batches at the same learning rate per example; why the rate is limited by forgetting",
    notebooks: [
      {
        file: "13-batch-size.ipynb",
        covers: "batch size x rate per example, forgetting vs curvature, measured",
      },
      { file: "11-where-the-time-goes.ipynb", covers: "throughput by batch size on this machine" },
    ],
    missing: null,
  },
  {
    post: "part 3",
    title: "Regularisation",
    url: `${MYRTLE}how-to-train-your-resnet-3-regularisation/`,
    teaches: "cutout buys accuracy that can be spent on fewer epochs; batch norm in float32",
    notebooks: [
      { file: "14-regularisation.ipynb", covers: "cutout, weight decay and longer training, measured" },
    ],
    missing:
      "the float16 batch-norm slow path is PyTorch's; tfjs trains in float32 only, so there is nothing to fix",
  },
  {
    post: "part 4",
    title: "Architecture",
    url: `${MYRTLE}how-to-train-your-resnet-4-architecture/`,
    teaches: "the search from a 56% backbone to DavidNet, class A and class B blocks",
    notebooks: [
      {
        file: "09-architecture-search.ipynb",
        covers: "the backbone steps and the residual blocks, trained briefly",
      },
      { file: "04-davidnet.ipynb", covers: "the net, its layers and receptive field" },
      { file: "07-training.ipynb", covers: "a training run of the recipe through the CLI" },
    ],
    missing:
      "Page's per-placement accuracies of the fourteen class A/B nets are only in a figure of his post",
  },
  {
    post: "part 5",
    title: "Hyperparameters",
    url: `${MYRTLE}how-to-train-your-resnet-5-hyperparameters/`,
    teaches: "the directions that matter: lr / (1 - momentum) and lr x weight decay",
    notebooks: [
      { file: "15-momentum.ipynb", covers: "momentum changed with lr / (1 - momentum) held, measured" },
      { file: "10-hyperparameters.ipynb", covers: "the conventions and a grid of lr x weight decay" },
      { file: "05-lr-schedules.ipynb", covers: "the shape of the learning-rate schedule" },
    ],
    missing: "Page's own sweeps of the hyperparameter space are not repeated",
  },
  {
    post: "part 6",
    title: "Weight decay",
    url: `${MYRTLE}how-to-train-your-resnet-6-weight-decay/`,
    teaches: "with batch norm, weight decay sets the effective learning rate of the conv weights",
    notebooks: [{
      file: "10-hyperparameters.ipynb",
      covers: "the angular step, simulated, and lr x wd trained",
    }],
    missing: null,
  },
  {
    post: "part 7",
    title: "Batch norm",
    url: `${MYRTLE}how-to-train-your-resnet-7-batch-norm/`,
    teaches: "why batch norm allows high learning rates: channel offsets that grow with depth",
    notebooks: [{
      file: "06-batch-norm.ipynb",
      covers: "the learning-rate stress test and the channel statistics",
    }],
    missing: "the Hessian's top eigenvalues and their overlap with the output moments are not computed here",
  },
  {
    post: "part 8",
    title: "Bag of tricks",
    url: `${MYRTLE}how-to-train-your-resnet-8-bag-of-tricks/`,
    teaches: "each trick that took DavidNet from 75 s to 26 s, and the epochs it saved",
    notebooks: [
      { file: "08-bag-of-tricks.ipynb", covers: "every trick, the committed ablation and a live one" },
      { file: "11-where-the-time-goes.ipynb", covers: "preprocessing and augmentation on the device" },
    ],
    missing: "mixed precision: tfjs has no float16 tensors",
  },
  {
    post: "after Page",
    title: "airbench94",
    url: "https://github.com/KellerJordan/cifar10-airbench",
    teaches: "Page's method carried further: 94% with several times fewer FLOPs (counted in notebook 12)",
    notebooks: [{
      file: "12-after-page.ipynb",
      covers: "what changed and why, FLOPs, recorded and live runs",
    }],
    missing: null,
  },
];

/**
 * The index as Markdown, one entry per post: the post (linked), what it teaches, the notebooks that cover it
 * (linked relative to `notebooks/`, with what each covers) and what no notebook covers.
 */
export function indexMarkdown(entries: readonly IndexEntry[] = PAGE_INDEX): string {
  return entries.map((e, i) => {
    const books = e.notebooks.map((n) => `[${n.file.replace(/\.ipynb$/, "")}](${n.file}) (${n.covers})`).join(
      "; ",
    );
    const missing = e.missing ? ` *Not covered:* ${e.missing}.` : "";
    return `${i + 1}. **[${e.post}: ${e.title}](${e.url})**: ${e.teaches}. Notebooks: ${books}.${missing}`;
  }).join("\n");
}

/** Every notebook file the index names, once each, in order of first mention. */
export function indexedNotebooks(entries: readonly IndexEntry[] = PAGE_INDEX): string[] {
  return [...new Set(entries.flatMap((e) => e.notebooks.map((n) => n.file)))];
}
