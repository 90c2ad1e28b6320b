/**
 * The net as data: a {@link NetSpec} says what `buildNet` builds (prep block, layers, head), and
 * {@link NET_SPECS} names the nets of "How to train your ResNet" part 4 (Page's experiments.ipynb): the backbone
 * steps of his architecture search and his class A and class B nets, of which DavidNet is one; and airbench94's.
 */

/** Where a layer's extra blocks go: none, one extra conv-bn-act (class A) or a residual block (class B). */
export type ExtraBlock = "none" | "extra" | "residual";

/** One layer of the net: a conv-bn-act that halves the resolution, then an optional extra block. */
export interface LayerSpec {
  /** Output channels at width 1 (the builder rounds `channels * width`, at least 1). */
  channels: number;
  /** Side of the layer's conv kernel. */
  kernel: 1 | 3;
  /**
   * How the layer halves the resolution: `pool`, a stride-1 conv then a 2x2 max pool (DavidNet); `stride`, the
   * conv itself at stride 2, zero-padded by (kernel - 1) / 2 on every side as PyTorch's `padding` does.
   */
  downsample: "pool" | "stride";
  /** The block after the downsampling conv (and pool), at the same channels and resolution. */
  block: ExtraBlock;
}

/**
 * A stage of Page's part-1 baseline, the DAWNBench ResNet-18 (experiments.ipynb `DAWN_net`, `res_block`):
 * `blocks` pre-activation residual blocks. Each block is BN-act of its input, then a 3x3 conv (at `stride` in the
 * first block, zero-padded by 1 as PyTorch's `padding=1`), BN-act and a 3x3 conv, added to the block's BN-act
 * output, or where the stride or the channels change to a 1x1 conv of it at the same stride (`conv3`).
 */
export interface PreactStageSpec {
  preact: true;
  /** Output channels at width 1. */
  channels: number;
  /** Stride of the stage's first block: 1 for the first stage, 2 after (the resolution halves). */
  stride: 1 | 2;
  /** Residual blocks in the stage (2 in ResNet-18). */
  blocks: number;
}

/** One stage of a net: a {@link LayerSpec} (DavidNet and Page's search) or a {@link PreactStageSpec} (ResNet-18). */
export type StageSpec = LayerSpec | PreactStageSpec;

/** True for a stage of pre-activation residual blocks. */
export function isPreactStage(stage: StageSpec): stage is PreactStageSpec {
  return "preact" in stage;
}

/** The classifier: a global pool of the last layer, then a linear layer to the 10 classes. */
export interface HeadSpec {
  /** Global max pool, or the concatenation of global max and average pools (Page's DAWNBench ResNet). */
  pool: "max" | "max+avg";
  /** Whether the linear layer has a bias (PyTorch init: uniform in +-1 / sqrt(fan in)). */
  bias: boolean;
}

/**
 * A net: the prep block (3x3 conv-bn-act from the image; with `whiten` "3x3" a fixed whitening conv and a 1x1
 * conv-bn-act; with "2x2" the fixed whitening conv, a bias and the activation instead), the layers in order, and
 * the head, then the config's logit scale.
 */
export interface NetSpec {
  /** Channels of the prep block at width 1 (unused with the 2x2 whitening, whose 24 channels feed layer1). */
  prep: number;
  /**
   * Whether the prep conv is followed by BN and the activation (true but for ResNet-18, whose first block
   * starts with its own BN-act: Page's part 1 "no initial bn-relu").
   */
  prepNormAct: boolean;
  layers: StageSpec[];
  head: HeadSpec;
}

/** Layers with extra blocks: L1 = layer1, L1L3 = layer1 and layer3, ... (Page's seven placements). */
export type Placement = "L1" | "L2" | "L3" | "L1L2" | "L1L3" | "L2L3" | "L1L2L3";

/** The seven placements of Page's class A and class B nets. */
export const PLACEMENTS: readonly Placement[] = ["L1", "L2", "L3", "L1L2", "L1L3", "L2L3", "L1L2L3"];

/** A named net of {@link NET_SPECS}. */
export type ArchName =
  | "davidnet"
  | "basic"
  | "backbone-1x1s2"
  | "backbone-3x3s2"
  | "backbone-pool"
  | "backbone"
  | `A-${Placement}`
  | `B-${Placement}`
  | "airbench"
  | "resnet18";

/** Page's `net()`: prep 64, layers 128-256-512 with 3x3 conv + max pool, global max pool, linear without bias. */
function classNet(blocks: [ExtraBlock, ExtraBlock, ExtraBlock]): NetSpec {
  return {
    prep: 64,
    prepNormAct: true,
    layers: [128, 256, 512].map((channels, i) => ({
      channels,
      kernel: 3,
      downsample: "pool",
      block: blocks[i],
    })),
    head: { pool: "max", bias: false },
  };
}

/** Page's class A (`extra`) or class B (`residual`) net with the blocks at `at`. */
function placed(block: ExtraBlock, at: Placement): NetSpec {
  const has = (i: number) => (at.includes(`L${i}`) ? block : "none");
  return classNet([has(1), has(2), has(3)]);
}

/**
 * A backbone of Page's part-4 search: `DAWN_net(block=shortcut_block, prep_bn_relu=True)` with its identity
 * blocks dropped, i.e. prep conv-bn-relu 64, then three downsampling conv-bn-relu layers 128, 256, `last`.
 */
function backbone(kernel: 1 | 3, downsample: "pool" | "stride", last: number, head: HeadSpec): NetSpec {
  return {
    prep: 64,
    prepNormAct: true,
    layers: [128, 256, last].map((channels) => ({ channels, kernel, downsample, block: "none" as const })),
    head,
  };
}

const CONCAT_HEAD: HeadSpec = { pool: "max+avg", bias: true };

/** Page's class A (`extra`) or class B (`residual`) nets, one per placement. */
function classNets<K extends "A" | "B">(kind: K, block: ExtraBlock): Record<`${K}-${Placement}`, NetSpec> {
  const entries = PLACEMENTS.map((p) => [`${kind}-${p}`, placed(block, p)]);
  return Object.fromEntries(entries) as Record<`${K}-${Placement}`, NetSpec>;
}

const CLASS_B = classNets("B", "residual");

/**
 * airbench94's net (KellerJordan/cifar10-airbench legacy/airbench94.py `make_net`, lines 214-229): three
 * ConvGroups, each a 3x3 conv and a 2x2 max pool then one extra 3x3 conv-bn-act (lines 190-208), a global max pool
 * and a linear layer without bias. Its stem is the 2x2 whitening (the config's `whiten: "2x2"`, 24 channels into
 * layer1); without it, a prep conv of the same 24 channels stands in.
 */
const AIRBENCH: NetSpec = {
  prep: 24, // line 218: whiten_width = 2 * 3 * whiten_kernel_size**2
  prepNormAct: true, // (unused: the 2x2 whitening's bias and GELU replace the prep block)
  // lines 54-58: widths 64, 256, 256; lines 193-197: conv1, pool = MaxPool2d(2), norm1, conv2, norm2
  layers: [64, 256, 256].map((channels) => ({ channels, kernel: 3, downsample: "pool", block: "extra" })),
  head: { pool: "max", bias: false }, // line 225: MaxPool2d(3) of the 3x3 map; line 227: Linear(.., bias=False)
};

/**
 * Page's part-1 baseline (experiments.ipynb, "Post 1: Baseline": `DAWN_net()` with its defaults): the DAWNBench
 * ResNet-18 of Ben Johnson's entry as Page ran it, a 3x3 prep conv of 64 without BN-ReLU, four stages of two
 * pre-activation residual blocks of 64, 128, 256 and 256 channels (stride 1, then 2), no BN-ReLU after the last,
 * global max and average pools concatenated, and a linear layer with a bias.
 */
const RESNET18: NetSpec = {
  prep: 64, // 'prep': nn.Conv2d(3, c[0], kernel_size=3, padding=1, bias=False); c = [64, 128, 256, 256]
  prepNormAct: false, // prep_bn_relu=False
  layers: ([[64, 1], [128, 2], [256, 2], [256, 2]] as const).map(([channels, stride]) => ({
    preact: true as const, // block=res_block: bn1, relu1, branch (conv1, bn2, relu2, conv2), conv3 when projecting
    channels,
    stride, // layer1: block(c[0], c[0], 1); layer2-4: block(c[i-1], c[i], 2)
    blocks: 2, // 'block0', 'block1'
  })),
  head: { pool: "max+avg", bias: true }, // concat_pool=True: MaxPool2d(4), AvgPool2d(4); nn.Linear(2*c[3], 10, bias=True)
};

/**
 * Every named net. From Page's experiments.ipynb, part 4 ("Architecture"), in the order of his search
 * (accuracies are his, 20 epochs unless said):
 * - `backbone-1x1s2`: the shortest path of his DAWNBench ResNet-18, "remove repeat bn-relu": 1x1 stride-2
 *   downsampling convs 128-256-256, max+avg pool, linear with bias (56.0%).
 * - `backbone-3x3s2`: the same with 3x3 stride-2 convs (85.6%).
 * - `backbone-pool`: 3x3 stride-1 convs, each followed by a 2x2 max pool (89.7%).
 * - `backbone`: the last conv doubled to 512, global max pool only (90.7%).
 * - `basic`: his `net(extra_layers=(), res_layers=())`, the backbone with the linear layer's bias dropped (and,
 *   as all nets here, BN scale initialised to 1, logits x the config's logit scale: 91.1%). Class A and B add
 *   blocks to it.
 * - `A-L1` ... `A-L1L2L3`: one extra conv-bn-act after the named layers (A-L1L2L3: 95.0% in 60 epochs, cutout 12).
 * - `B-L1` ... `B-L1L2L3`: a residual block x + f(f(x)) after the named layers.
 * - `davidnet`: `B-L1L3`, the final net (93.7% in 20 epochs, 94.1% in 24). The same spec object.
 * - `airbench`: airbench94's net (Keller Jordan's cifar10-airbench, legacy/airbench94.py): class A layers of
 *   64-256-256 channels, meant for the 2x2 whitening (94.01% mean test accuracy with its whole recipe of 9.9
 *   epochs, lines 3 and 40).
 *
 * - `resnet18`: Page's part-1 baseline, the DAWNBench ResNet-18 (experiments.ipynb's post-1 headers: 301 s, then
 *   297 s, for 35 epochs at batch 128 on a V100).
 *
 * Page's backbones had no logit scale (weight 1): set the config's `logitScale` to 1 to reproduce them.
 */
export const NET_SPECS: Readonly<Record<ArchName, NetSpec>> = {
  davidnet: CLASS_B["B-L1L3"],
  "backbone-1x1s2": backbone(1, "stride", 256, CONCAT_HEAD),
  "backbone-3x3s2": backbone(3, "stride", 256, CONCAT_HEAD),
  "backbone-pool": backbone(3, "pool", 256, CONCAT_HEAD),
  backbone: backbone(3, "pool", 512, { pool: "max", bias: true }),
  basic: classNet(["none", "none", "none"]),
  ...classNets("A", "extra"),
  ...CLASS_B,
  airbench: AIRBENCH,
  resnet18: RESNET18,
};

/** The names of {@link NET_SPECS}, DavidNet first, then in the order of Page's search (for flags and validation). */
export const ARCH_NAMES: readonly ArchName[] = Object.keys(NET_SPECS) as ArchName[];

/** The spec named `name`; an unknown name throws, listing the known ones. */
export function netSpec(name: string): NetSpec {
  if (!Object.hasOwn(NET_SPECS, name)) {
    throw new Error(`unknown net "${name}": pick one of ${ARCH_NAMES.join(", ")}`);
  }
  return NET_SPECS[name as ArchName];
}

/** Channels of the prep block and of every layer of `spec` at channel multiplier `width` (rounded, at least 1). */
export function specChannels(spec: NetSpec, width: number): number[] {
  return [spec.prep, ...spec.layers.map((l) => l.channels)].map((n) => Math.max(1, Math.round(n * width)));
}
