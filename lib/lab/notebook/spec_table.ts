/**
 * The nets of {@link NET_SPECS} as tables: what each layer is, and its trainable parameters counted from the spec
 * alone (no model is built), and Page's measured test accuracies for the named nets of his part-4 search, each with
 * its source.
 */
import {
  type ArchName,
  isPreactStage,
  type LayerSpec,
  NET_SPECS,
  type NetSpec,
  type PreactStageSpec,
  specChannels,
  type StageSpec,
} from "../../core/model/mod.ts";
import { type Whiten, whiteningWidth } from "../../core/model/mod.ts";

/** Trainable parameters of one part of a net (conv weights, BN weight and bias, linear weights and bias). */
export interface BlockParams {
  /** "prep", "layer1" ... "layer3", or "head". */
  block: string;
  /** What the block is, e.g. "3x3 conv 128, max pool 2, residual (2 x 3x3 conv)". */
  layers: string;
  /** Its trainable parameters. */
  params: number;
}

/** Options of {@link specParams}. */
export interface SpecParamOptions {
  /** BN scale frozen at 1 (Page's `BatchNorm(weight=False)`): each BN then trains only its bias. Default false. */
  freezeBnScale?: boolean;
  /** The input whitening, which replaces the prep conv (see `NetConfig.whiten`). Default "none". */
  whiten?: Whiten;
}

/**
 * Trainable parameters of `spec` at channel multiplier `width`, block by block: the prep block (by `whiten`: a 3x3
 * conv from the 3 input channels; the fixed 3x3 whitening, not trained, and a 1x1 conv from its 27 channels; or the
 * fixed 2x2 whitening and its 24 trained biases, whose 24 channels feed layer1), each layer (its downsampling conv,
 * BN and extra block: one conv-BN for class A, two for class B's residual), and the head (linear to 10 classes,
 * with 2x the inputs for the concatenated max + avg pool, plus 10 when it has a bias). Convs have no bias; every BN
 * has a weight (unless frozen) and a bias.
 */
export function specParams(spec: NetSpec, width = 1, options: SpecParamOptions = {}): BlockParams[] {
  const bn = (c: number) => (options.freezeBnScale ? c : 2 * c);
  const convBn = (k: number, cin: number, cout: number) => k * k * cin * cout + bn(cout);
  const [prepChannels, ...layerChannels] = specChannels(spec, width);
  const whiten = options.whiten ?? "none";
  const prep = whiten === "none"
    ? {
      layers: `3x3 conv ${prepChannels}${spec.prepNormAct ? "" : " (no BN)"}`,
      params: spec.prepNormAct ? convBn(3, 3, prepChannels) : 9 * 3 * prepChannels,
      out: prepChannels,
    }
    : whiten === "3x3"
    ? {
      layers: `3x3 whitening ${whiteningWidth(whiten)} (fixed), 1x1 conv ${prepChannels}`,
      params: convBn(1, whiteningWidth(whiten), prepChannels),
      out: prepChannels,
    }
    : {
      layers: `2x2 whitening ${whiteningWidth(whiten)} (fixed) + bias`,
      params: whiteningWidth(whiten),
      out: whiteningWidth(whiten),
    };
  const rows: BlockParams[] = [{ block: "prep", layers: prep.layers, params: prep.params }];
  let cin = prep.out;
  for (const [i, layer] of spec.layers.entries()) {
    const c = layerChannels[i];
    rows.push({
      block: `layer${i + 1}`,
      layers: describeLayer(layer, c),
      params: isPreactStage(layer) ? preactParams(layer, cin, c, bn) : convBn(layer.kernel, cin, c) +
        (layer.block === "extra" ? 1 : layer.block === "residual" ? 2 : 0) * convBn(3, c, c),
    });
    cin = c;
  }
  const features = spec.head.pool === "max+avg" ? 2 * cin : cin;
  rows.push({
    block: "head",
    layers: `global ${spec.head.pool} pool, linear ${features} -> 10${spec.head.bias ? " + bias" : ""}`,
    params: features * 10 + (spec.head.bias ? 10 : 0),
  });
  return rows;
}

/**
 * Parameters of a stage of pre-activation residual blocks from `cin` to `c` channels: per block a BN of its input
 * (`bn(channels)`), two 3x3 convs with a BN between, and a 1x1 shortcut conv where the stride or channels change.
 */
function preactParams(stage: PreactStageSpec, cin: number, c: number, bn: (c: number) => number): number {
  let n = 0;
  for (let b = 0, from = cin; b < stage.blocks; b++, from = c) {
    const projection = (b === 0 && stage.stride !== 1) || from !== c;
    n += bn(from) + 9 * from * c + bn(c) + 9 * c * c + (projection ? from * c : 0);
  }
  return n;
}

/** A stage in words: its conv, how it downsamples, and its extra block; or its residual blocks. */
function describeLayer(stage: StageSpec, channels: number): string {
  if (isPreactStage(stage)) {
    return `${stage.blocks} pre-activation residual blocks (2 x 3x3 conv) ${channels}` +
      (stage.stride === 2 ? ", stride 2 (1x1 conv shortcut)" : "");
  }
  return describeConvLayer(stage, channels);
}

/** A layer of DavidNet's kind in words. */
function describeConvLayer(layer: LayerSpec, channels: number): string {
  const k = `${layer.kernel}x${layer.kernel}`;
  const conv = layer.downsample === "stride"
    ? `${k} conv ${channels} stride 2`
    : `${k} conv ${channels}, max pool 2`;
  const extra = layer.block === "extra"
    ? ", + 3x3 conv (class A)"
    : layer.block === "residual"
    ? ", + residual 2 x 3x3 conv (class B)"
    : "";
  return conv + extra;
}

/** Convolutions on the longest path from the image to the classifier (Page's depth: DavidNet has 8, + linear). */
export function specDepth(spec: NetSpec): number {
  const convs = (l: StageSpec) =>
    isPreactStage(l) ? 2 * l.blocks : 1 + (l.block === "extra" ? 1 : l.block === "residual" ? 2 : 0);
  return 1 + spec.layers.reduce((n, l) => n + convs(l), 0);
}

/** One row of {@link specRows}: a named net, its layers in short, depth and trainable parameters. */
export interface SpecRow {
  net: string;
  prep: string;
  layer1: string;
  layer2: string;
  layer3: string;
  /** The fourth stage (ResNet-18's), when a net of the table has one; "" for a net without. */
  layer4?: string;
  head: string;
  /** Convs on the longest path. */
  convs: number;
  /** Trainable parameters, formatted with thousands separators. */
  params: string;
}

/** The named nets as table rows at channel multiplier `width` (formatted strings, for `showRows`). */
export function specRows(names: readonly ArchName[], width = 1, options: SpecParamOptions = {}): SpecRow[] {
  const fourStages = names.some((net) => NET_SPECS[net].layers.length > 3);
  return names.map((net) => {
    const spec = NET_SPECS[net], blocks = specParams(spec, width, options);
    const cell = (b: string) => {
      const r = blocks.find((x) => x.block === b);
      return r ? `${r.layers} (${r.params.toLocaleString("en-US")})` : "";
    };
    return {
      net,
      prep: cell("prep"),
      layer1: cell("layer1"),
      layer2: cell("layer2"),
      layer3: cell("layer3"),
      ...(fourStages ? { layer4: cell("layer4") } : {}),
      head: cell("head"),
      convs: specDepth(spec),
      params: blocks.reduce((n, b) => n + b.params, 0).toLocaleString("en-US"),
    };
  });
}

/** Total trainable parameters of `spec` at `width` (the sum of {@link specParams}). */
export function specParamCount(spec: NetSpec, width = 1, options: SpecParamOptions = {}): number {
  return specParams(spec, width, options).reduce((n, b) => n + b.params, 0);
}

/** One of Page's measured results for a named net (full width, CIFAR-10, one V100, batch 512, lr 0.4). */
export interface PageArchResult {
  arch: ArchName;
  /** Page's description of the step. */
  step: string;
  /** Final test accuracy, in percent. */
  testAcc: number;
  epochs: number;
  /** Training time in seconds, as Page reported it. */
  seconds: number;
  /** Differences from the spec or the usual recipe worth knowing. */
  note: string;
  /** Where the number is quoted from. */
  source: string;
}

const EXP = "davidcpage/cifar10-fast experiments.ipynb (f79e8b8), section headers of post 4 " +
  "(myrtle.ai/2018/10/26/how_to_train_your_resnet_4)";

/**
 * Page's test accuracies for the nets of {@link NET_SPECS} that his part 4 ("Architecture") reports, in the order of
 * his search. All train with crop + flip + 8x8 cutout, batch 512, the triangle schedule peaking at lr 0.4 at
 * epoch 4 of 20 (5 of 24), momentum 0.9, weight decay 5e-4 x batch on the summed loss, on one V100. The per-placement
 * accuracies of his class A and class B nets are in a figure of the post, not in the notebook, and are not quoted.
 */
export const PAGE_ARCH_RESULTS: readonly PageArchResult[] = [
  {
    arch: "backbone-1x1s2",
    step: "shortest path of the DAWNBench ResNet-18, repeated BN-ReLU removed",
    testAcc: 56.0, // experiments.ipynb: "backbone, remove repeat bn-relu (32s; test acc 56.0%)"
    epochs: 20,
    seconds: 32, // same header
    note: "55.9% in 36 s with the repeated BN-ReLU groups (the header before)",
    source: EXP,
  },
  {
    arch: "backbone-3x3s2",
    step: "3x3 instead of 1x1 downsampling convs",
    testAcc: 85.6, // experiments.ipynb: "backbone, 3x3 convs (36s; test acc 85.6%)"
    epochs: 20,
    seconds: 36,
    note: "",
    source: EXP,
  },
  {
    arch: "backbone-pool",
    step: "stride-1 3x3 convs, each followed by a 2x2 max pool",
    testAcc: 89.7, // experiments.ipynb: "backbone, maxpool downsampling (43s; test acc 89.7%)"
    epochs: 20,
    seconds: 43,
    note: "",
    source: EXP,
  },
  {
    arch: "backbone",
    step: "last conv doubled to 512, global max pool instead of max + avg",
    testAcc: 90.7, // experiments.ipynb: "backbone, 2x output dim, global maxpool (47s; test acc 90.7%)"
    epochs: 20,
    seconds: 47,
    note: "",
    source: EXP,
  },
  {
    arch: "basic",
    step: "BN scale initialised to 1, logits x 0.125",
    testAcc: 91.1, // experiments.ipynb: "backbone, bn scale init=1, classifier weight=0.125 (47s; test acc 91.1%)"
    epochs: 20,
    seconds: 47,
    note: "",
    source: EXP,
  },
  {
    arch: "A-L1L2L3",
    step: "class A: an extra conv-BN-ReLU after each layer",
    testAcc: 95.0, // experiments.ipynb: "extra:L1+L2+L3 network, 60 epochs, cutout=12 (180s, 95.0% test acc)"
    epochs: 60,
    seconds: 180,
    note: "60 epochs and 12x12 cutout",
    source: EXP,
  },
  {
    arch: "davidnet",
    step: "class B: residual blocks after layer 1 and layer 3 (the final net)",
    testAcc: 93.7, // experiments.ipynb: "final network Residual:L1+L3, 20 epochs (66s; test acc 93.7%)"
    epochs: 20,
    seconds: 66,
    note: "",
    source: EXP,
  },
  {
    arch: "davidnet",
    step: "the final net, 24 epochs (the DAWNBench entry)",
    testAcc: 94.1, // experiments.ipynb: "final network, 24 epochs (79s; test acc 94.1%)"
    epochs: 24,
    seconds: 79,
    note: "",
    source: EXP,
  },
];
