/**
 * David Page's measured timings, as typed data: the early speed-ups of "How to train your ResNet" parts 1-4 and
 * the bag of tricks of part 8. Every number is his, on one NVIDIA V100 (AWS p3.2xlarge for parts 1-4; a GCP V100
 * for part 8), quoted with its source; none was measured by davidnet.
 */

/** One row of a timing table of Page's. */
export interface PageTiming {
  /** The post ("part 1" ... "part 8") or "outset" for the state of the art he started from. */
  post: string;
  /** What changed at this step. */
  change: string;
  /** A short name of the step, for figure axes. */
  label: string;
  /** Training time to 94% test accuracy in seconds, on his V100. */
  seconds: number;
  /** Epochs of training, where the source gives them. */
  epochs: number | null;
  /** Batch size, where the source gives it. */
  batchSize: number | null;
  /** The davidnet toggle (`deno task ablate --toggle NAME`) of this step, if there is one. */
  toggle: string | null;
  /** Where the numbers come from. */
  source: string;
}

const SERIES = "myrtle.ai/learn/how-to-train-your-resnet/ (series index)";
const EXPERIMENTS = "davidcpage/cifar10-fast experiments.ipynb, section heading";
const TRICKS_NB = "davidcpage/cifar10-fast bag_of_tricks.ipynb (part 8), section heading and text";

/**
 * Parts 1-4: from the DAWNBench single-GPU state of the art (341 s) to DavidNet (79 s). Parts 1-3 train the
 * original fast.ai DAWNBench net for 35 then 30 epochs; part 4 introduces the 9-layer net.
 */
export const PAGE_EARLY_TIMINGS: readonly PageTiming[] = [
  {
    post: "outset",
    change: "DAWNBench single-GPU state of the art (fast.ai entry, Ben Johnson's)",
    label: "fast.ai entry",
    seconds: 341, // series index: "state-of-the-art was 341s on a single GPU"
    epochs: 35, // experiments.ipynb: PiecewiseLinear([0, 15, 30, 35], ...) for the baseline net
    batchSize: 128, // experiments.ipynb, post 1 cells: batch_size = 128
    toggle: null,
    source: SERIES,
  },
  {
    post: "part 1",
    change: "no repeated BN-ReLU; pad, normalise, transpose once before training; " +
      "augmentation choices drawn in bulk once per epoch; 1 data-loader process",
    label: "part 1: prep once",
    seconds: 301, // experiments.ipynb: "Post 1: Baseline - ... efficient dataloading/augmentation, 1 dataloader process (301s)"
    epochs: 35, // experiments.ipynb: PiecewiseLinear([0, 15, 30, 35], ...)
    batchSize: 128, // experiments.ipynb: batch_size = 128
    toggle: null,
    source: EXPERIMENTS,
  },
  {
    post: "part 1",
    change: "0 data-loader processes (batching on the main thread)",
    label: "part 1: no workers",
    seconds: 297, // experiments.ipynb "Post 1: Baseline - 0 dataloader processes (297s)"; series index: 297s
    epochs: 35, // experiments.ipynb: PiecewiseLinear([0, 15, 30, 35], ...)
    batchSize: 128, // experiments.ipynb: batch_size = 128
    toggle: null,
    source: `${EXPERIMENTS}; ${SERIES}`,
  },
  {
    post: "part 2",
    change: "batch size 512",
    label: "part 2: batch 512",
    seconds: 256, // experiments.ipynb "Post 2: Mini-batches - batch size=512 (256s)"; series index: 256s
    epochs: 35, // experiments.ipynb: PiecewiseLinear([0, 15, 30, 35], [0, 0.44, 0.005, 0])
    batchSize: 512, // experiments.ipynb: batch_size = 512
    toggle: null,
    source: `${EXPERIMENTS}; ${SERIES}`,
  },
  {
    post: "part 3",
    change: "speed up batch norms (float32 BN, off PyTorch's slow half-precision path)",
    label: "part 3: fast BN",
    seconds: 186, // experiments.ipynb "Post 3: Regularisation - speed up batch norms (186s)"
    epochs: 35, // experiments.ipynb: PiecewiseLinear([0, 15, 30, 35], ...)
    batchSize: 512, // experiments.ipynb: batch_size = 512
    toggle: null,
    source: EXPERIMENTS,
  },
  {
    post: "part 3",
    change: "cutout 8x8, 30 epochs",
    label: "part 3: cutout",
    seconds: 161, // experiments.ipynb "Post 3: Regularisation - cutout+30 epochs+batch_size=512 (161s)"
    epochs: 30, // experiments.ipynb: PiecewiseLinear([0, 8, 30], [0, 0.4, 0])
    batchSize: 512, // experiments.ipynb: batch_size = 512
    toggle: "cutout",
    source: EXPERIMENTS,
  },
  {
    post: "part 3",
    change: "batch size 768",
    label: "part 3: batch 768",
    seconds: 154, // experiments.ipynb "Post 3: Regularisation - batch_size=768 (154s)"; series index: 154s
    epochs: 30, // experiments.ipynb: PiecewiseLinear([0, 8, 30], [0, 0.6, 0])
    batchSize: 768, // experiments.ipynb: batch_size = 768
    toggle: null,
    source: `${EXPERIMENTS}; ${SERIES}`,
  },
  {
    post: "part 4",
    change: "DavidNet: the 9-layer residual net",
    label: "part 4: DavidNet",
    seconds: 79, // experiments.ipynb "Post 4: Architecture - final network, 24 epochs (79s; test acc 94.1%)"
    epochs: 24, // experiments.ipynb: PiecewiseLinear([0, 5, 24], [0, 0.4, 0])
    batchSize: 512, // experiments.ipynb: batch_size = 512
    toggle: null,
    source: `${EXPERIMENTS}; ${SERIES}`,
  },
];

/**
 * Part 8, "Bag of tricks": the 24-epoch DAWNBench submission re-timed at 75 s, then each trick in turn, each
 * step's time to 94% and the epochs it needed (fewer epochs where the trick's accuracy gain allowed).
 */
export const PAGE_TRICK_TIMINGS: readonly PageTiming[] = [
  {
    post: "part 8",
    change: "baseline: the DAWNBench submission (dawn.py)",
    label: "baseline",
    seconds: 75, // bag_of_tricks.ipynb "Baseline (75s)"
    epochs: 24, // bag_of_tricks.ipynb: epochs, batch_size = 24, 512
    batchSize: 512, // bag_of_tricks.ipynb: batch_size = 512 throughout
    toggle: null,
    source: TRICKS_NB,
  },
  {
    post: "part 8",
    change: "preprocessing and augmentation on the GPU",
    label: "GPU data",
    seconds: 70, // bag_of_tricks.ipynb "Preprocessing on the GPU (70s)": "under 70s"
    epochs: 24, // bag_of_tricks.ipynb: epochs, batch_size = 24, 512
    batchSize: 512, // bag_of_tricks.ipynb: batch_size = 512 throughout
    toggle: null,
    source: TRICKS_NB,
  },
  {
    post: "part 8",
    change: "max pool moved before BN (conv, pool, BN, act), one epoch more",
    label: "move-pool",
    seconds: 64, // bag_of_tricks.ipynb "Moving max-pool layers (64s)"
    epochs: 25, // bag_of_tricks.ipynb: "adding an extra epoch"; epochs, batch_size = 25, 512
    batchSize: 512, // bag_of_tricks.ipynb: batch_size = 512 throughout
    toggle: "move-pool",
    source: TRICKS_NB,
  },
  {
    post: "part 8",
    change: "label smoothing 0.2",
    label: "label-smoothing",
    seconds: 59, // bag_of_tricks.ipynb "Label smoothing (59s)"
    epochs: 23, // bag_of_tricks.ipynb: "Accuracy for 23 epochs of training is 94.1%"
    batchSize: 512, // bag_of_tricks.ipynb: batch_size = 512 throughout
    toggle: "label-smoothing",
    source: TRICKS_NB,
  },
  {
    post: "part 8",
    change: "CELU activation",
    label: "celu",
    seconds: 52, // bag_of_tricks.ipynb "CELU activations (52s)"
    epochs: 20, // bag_of_tricks.ipynb: "a 20 epoch time of 52s for 94.1% accuracy"
    batchSize: 512, // bag_of_tricks.ipynb: batch_size = 512 throughout
    toggle: "celu",
    source: TRICKS_NB,
  },
  {
    post: "part 8",
    change: "ghost batch norm (batches of 32), max lr x1.5",
    label: "ghost-bn",
    seconds: 46, // bag_of_tricks.ipynb "Ghost batch norm (46s)"
    epochs: 18, // bag_of_tricks.ipynb: "94.1% accuracy in 18 epochs and a training time of 46s"
    batchSize: 512, // bag_of_tricks.ipynb: batch_size = 512 throughout
    toggle: "ghost-bn",
    source: TRICKS_NB,
  },
  {
    post: "part 8",
    change: "frozen BN scales (CELU alpha x4, BN bias lr x64, wd /64)",
    label: "frozen-bn-scale",
    seconds: 43, // bag_of_tricks.ipynb "Frozen batch norm scales (43s)"
    epochs: 17, // bag_of_tricks.ipynb: "reduce training to 17 epochs"
    batchSize: 512, // bag_of_tricks.ipynb: batch_size = 512 throughout
    toggle: "frozen-bn-scale",
    source: TRICKS_NB,
  },
  {
    post: "part 8",
    change: "input patch whitening, max lr x~1.5, cutout 5x5",
    label: "whiten",
    seconds: 36, // bag_of_tricks.ipynb "Input patch whitening (36s)"
    epochs: 14, // bag_of_tricks.ipynb: epochs, batch_size = 14, 512; Cutout(5, 5)
    batchSize: 512, // bag_of_tricks.ipynb: batch_size = 512 throughout
    toggle: "whiten",
    source: TRICKS_NB,
  },
  {
    post: "part 8",
    change: "exponential moving average of the weights (every 5 steps, momentum 0.99)",
    label: "ema",
    seconds: 33.5, // bag_of_tricks.ipynb "Exponential moving averages (33.5s)"
    epochs: 13, // bag_of_tricks.ipynb: "13 epoch training reaches a test accuracy of 94.1%"
    batchSize: 512, // bag_of_tricks.ipynb: batch_size = 512 throughout
    toggle: "ema",
    source: TRICKS_NB,
  },
  {
    post: "part 8",
    change: "flip test-time augmentation, no cutout",
    label: "tta",
    seconds: 26, // bag_of_tricks.ipynb "Test-time augmentation (26s)"
    epochs: 10, // bag_of_tricks.ipynb: "reduce training to 10 epochs (!) ... 94.1% in 26s"
    batchSize: 512, // bag_of_tricks.ipynb: batch_size = 512 throughout
    toggle: "tta",
    source: TRICKS_NB,
  },
];

/**
 * Page's part-8 data-pipeline timings on the V100 (bag_of_tricks.ipynb), seconds: CPU preprocessing of the
 * training set in the DAWNBench code, and the GPU version's stages.
 */
export const PAGE_PIPELINE_SECONDS = {
  /** dawn.py's log: "Preprocessing training data / Finished in 2.9 seconds" (pad, transpose, normalise on the CPU). */
  cpuPreprocessTrain: 2.9,
  /** bag_of_tricks.ipynb timings cell: "Transfer to GPU: 0.046s". */
  transferToGpu: 0.046,
  /** bag_of_tricks.ipynb timings cell: "Data preprocessing: 0.009s" (pad, transpose, normalise, to float16 on the GPU). */
  gpuPreprocess: 0.009,
  /** bag_of_tricks.ipynb timings cell: "Transfer to CPU: 0.400s". */
  transferToCpu: 0.4,
  /** bag_of_tricks.ipynb: 24 epochs of shuffling, batching and crop/flip/cutout on the GPU, batch 512: "0.362s". */
  gpuAugment24Epochs: 0.362,
} as const;

/** A {@link PageTiming} table as display rows (strings), labelled as Page's V100 numbers. */
export function pageTimingRows(rows: readonly PageTiming[]): Array<Record<string, string>> {
  return rows.map((r) => ({
    post: r.post,
    change: r.change,
    "Page's time to 94% (s, V100)": String(r.seconds),
    epochs: r.epochs === null ? "" : String(r.epochs),
    batch: r.batchSize === null ? "" : String(r.batchSize),
    toggle: r.toggle ? `--toggle ${r.toggle}` : "",
    source: r.source,
  }));
}
