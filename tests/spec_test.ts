/**
 * The net as data: every named spec builds, with the parameter count of an independent count written here from
 * Page's definitions (experiments.ipynb, part 4) and airbench94.py's `make_net`, and the layer names and shapes the
 * rest of the project uses.
 */
import assert from "node:assert/strict";
import { initBackend, tf } from "../lib/core/backend/mod.ts";
import {
  ARCH_NAMES,
  type ArchName,
  buildNet,
  channels,
  countTrainableParams,
  layerTable,
  NET_SPECS,
  netSpec,
} from "../lib/core/model/mod.ts";

await initBackend("webgpu", { log: () => {} });

/** Conv weights (no bias) and a BN's weight and bias. */
const conv = (k: number, cin: number, cout: number) => k * k * cin * cout;
const bn = (c: number) => 2 * c;
const convBn = (k: number, cin: number, cout: number) => conv(k, cin, cout) + bn(cout);

/** Page's `basic_net`: prep 64, layers 128-256-512 (3x3 conv, BN), global max pool, linear 512 -> 10 no bias. */
const BASIC = convBn(3, 3, 64) + convBn(3, 64, 128) + convBn(3, 128, 256) + convBn(3, 256, 512) + 512 * 10;
const LAYER_CHANNELS: Record<string, number> = { L1: 128, L2: 256, L3: 512 };

/** Trainable parameters of `name` at full width, counted from its definition (not from the spec or builder). */
function expectedParams(name: ArchName): number {
  // DAWN_net(block=shortcut_block, prep_bn_relu=True): prep conv-bn 64, three downsampling conv-bn, the concat
  // (max + avg) pool doubling the last channels, linear with bias.
  const shortcut = (k: number, last: number, concat: boolean) =>
    convBn(3, 3, 64) + convBn(k, 64, 128) + convBn(k, 128, 256) + convBn(k, 256, last) +
    (concat ? 2 : 1) * last * 10 + 10;
  switch (name) {
    case "backbone-1x1s2":
      return shortcut(1, 256, true);
    case "backbone-3x3s2":
    case "backbone-pool":
      return shortcut(3, 256, true);
    case "backbone":
      return shortcut(3, 512, false);
    case "basic":
      return BASIC;
    case "davidnet":
      return expectedParams("B-L1L3");
    case "resnet18": {
      // DAWN_net(): a prep conv of 64 without BN-ReLU; per layer two res_blocks: bn1 of the input, conv1 3x3,
      // bn2, conv2 3x3, and conv3 (1x1) where the stride or channels change; concat pool, linear 512 -> 10 + bias.
      const block = (cin: number, cout: number, project: boolean) =>
        bn(cin) + conv(3, cin, cout) + bn(cout) + conv(3, cout, cout) + (project ? conv(1, cin, cout) : 0);
      return conv(3, 3, 64) + block(64, 64, false) + block(64, 64, false) + block(64, 128, true) +
        block(128, 128, false) + block(128, 256, true) + block(256, 256, false) + block(256, 256, true) +
        block(256, 256, false) + 2 * 256 * 10 + 10;
    }
    case "airbench":
      // airbench94.py's ConvGroups 64, 256, 256 (conv, pool, BN, conv, BN) after a stand-in prep conv-bn 24 (the
      // width of its whitening), linear 256 -> 10 without bias.
      return convBn(3, 3, 24) + convBn(3, 24, 64) + convBn(3, 64, 64) + convBn(3, 64, 256) +
        convBn(3, 256, 256) + 2 * convBn(3, 256, 256) + 256 * 10;
  }
  const [kind, at] = name.split("-");
  const blocks = at.match(/L\d/g)!.map((l) => LAYER_CHANNELS[l]);
  const perBlock = kind === "A" ? 1 : 2; // class A: one extra conv-bn; class B: a residual of two
  return BASIC + blocks.reduce((n, c) => n + perBlock * convBn(3, c, c), 0);
}

Deno.test("the registry: Page's backbone steps, 14 class A/B nets, airbench and ResNet-18; davidnet is B-L1L3; unknown names fail", () => {
  assert.equal(ARCH_NAMES.length, 22);
  assert.deepEqual(ARCH_NAMES.slice(-2), ["airbench", "resnet18"]);
  for (const p of ["L1", "L2", "L3", "L1L2", "L1L3", "L2L3", "L1L2L3"]) {
    assert.ok(ARCH_NAMES.includes(`A-${p}` as ArchName) && ARCH_NAMES.includes(`B-${p}` as ArchName), p);
  }
  assert.equal(NET_SPECS.davidnet, NET_SPECS["B-L1L3"]);
  assert.throws(() => netSpec("resnet50"), /unknown net "resnet50": pick one of davidnet/);
  assert.throws(() => buildNet({ arch: "resnet50" as ArchName }), /unknown net/);
  assert.deepEqual(channels(1 / 16), [4, 8, 16, 32]);
  assert.deepEqual(channels(1, "backbone-pool"), [64, 128, 256, 256]);
  assert.deepEqual(channels(1, "airbench"), [24, 64, 256, 256]);
});

Deno.test("every spec at full width has its independently counted trainable parameters", () => {
  // Literal anchors of the arithmetic above.
  assert.equal(expectedParams("davidnet"), 6_573_120);
  assert.equal(expectedParams("basic"), 1_557_056);
  assert.equal(expectedParams("A-L1L2L3"), 4_655_424);
  assert.equal(expectedParams("backbone-1x1s2"), 1856 + 8448 + 33280 + 66048 + 5130);
  assert.equal(expectedParams("airbench"), 696 + (13952 + 36992) + (147968 + 590336) + 2 * 590336 + 2560);
  assert.equal(expectedParams("resnet18"), 1728 + 147968 + 525184 + 2098944 + 2426880 + 5130);
  for (const name of ARCH_NAMES) {
    const model = buildNet({ arch: name });
    try {
      assert.equal(countTrainableParams(model), expectedParams(name), name);
      assert.equal(
        model.nonTrainableWeights.length,
        2 * model.layers.filter((l) => l.name.endsWith("_bn")).length,
      );
    } finally {
      model.dispose();
    }
  }
});

Deno.test("the backbones' downsampling: 1x1 and 3x3 stride-2 convs (3x3 padded 1 a side), pools, heads", () => {
  const shapes = (name: ArchName) => {
    const model = buildNet({ arch: name, width: 1 / 16 });
    const table = layerTable(model);
    model.dispose();
    return Object.fromEntries(table.map((r) => [r.layer, `${r.kind} ${r.output}`]));
  };
  const s1 = shapes("backbone-1x1s2");
  assert.equal(s1.layer1_conv, "Conv2D [N,16,16,8]");
  assert.equal(s1.layer3_conv, "Conv2D [N,4,4,16]");
  assert.equal(s1.layer1_pad, undefined);
  assert.equal(s1.pool, "Concatenate [N,32]");
  const s3 = shapes("backbone-3x3s2");
  assert.equal(s3.layer1_pad, "ZeroPadding2D [N,34,34,4]");
  assert.equal(s3.layer1_conv, "Conv2D [N,16,16,8]");
  assert.equal(s3.layer1_pool, undefined);
  const sp = shapes("backbone-pool");
  assert.equal(sp.layer1_conv, "Conv2D [N,32,32,8]");
  assert.equal(sp.layer3_pool, "MaxPooling2D [N,4,4,16]");
  const sb = shapes("backbone");
  assert.equal(sb.pool, "GlobalMaxPooling2D [N,32]");
  const sa = shapes("A-L2");
  assert.equal(sa.layer2_extra_bn, "DavidnetBatchNormAct [N,8,8,16]");
  assert.equal(sa.layer1_extra_bn, undefined);
  assert.equal(sa.layer2_add, undefined);
});

Deno.test("ResNet-18 (Page's part-1 baseline): pre-activation blocks whose shortcut is the block's BN-ReLU output, 1x1 convs where the stride changes", () => {
  const model = buildNet({ arch: "resnet18", width: 1 / 16 });
  try {
    const table = Object.fromEntries(layerTable(model).map((r) => [r.layer, `${r.kind} ${r.output}`]));
    assert.equal(table.prep_conv, "Conv2D [N,32,32,4]");
    assert.equal(table.prep_bn, undefined, "no BN-ReLU after the prep conv");
    assert.equal(table.layer1_block0_shortcut_conv, undefined, "same stride and channels: no projection");
    assert.equal(table.layer2_block0_pad, "ZeroPadding2D [N,34,34,4]");
    assert.equal(table.layer2_block0_branch1_conv, "Conv2D [N,16,16,8]");
    assert.equal(table.layer2_block0_shortcut_conv, "Conv2D [N,16,16,8]");
    assert.equal(table.layer2_block1_shortcut_conv, undefined);
    assert.equal(table.layer4_block1_add, "Add [N,4,4,16]");
    assert.equal(table.pool, "Concatenate [N,32]");
    const inputsOf = (name: string) => model.getLayer(name).inboundNodes[0].inboundLayers.map((l) => l.name);
    // Page's res_block adds conv2 to relu1 (the BN-ReLU of the input), or to conv3(relu1) when projecting.
    assert.deepEqual(inputsOf("layer1_block0_add"), ["layer1_block0_in_bn", "layer1_block0_branch2_conv"]);
    assert.deepEqual(inputsOf("layer2_block0_add"), [
      "layer2_block0_shortcut_conv",
      "layer2_block0_branch2_conv",
    ]);
    assert.deepEqual(inputsOf("layer2_block0_shortcut_conv"), ["layer2_block0_in_bn"]);
  } finally {
    model.dispose();
  }
});

Deno.test("a stride-2 3x3 conv samples like PyTorch's padding=1: output (i, j) centred on input (2i, 2j)", async () => {
  const model = buildNet({ arch: "backbone-3x3s2", width: 1 / 16 });
  try {
    const probe = tf.model({
      inputs: model.inputs,
      outputs: model.getLayer("layer1_conv").output as tf.SymbolicTensor,
    });
    const prep = tf.model({
      inputs: model.inputs,
      outputs: model.getLayer("prep_bn").output as tf.SymbolicTensor,
    });
    const x = tf.randomNormal([1, 32, 32, 3], 0, 1, "float32", 4);
    const outs = [prep.predict(x), probe.predict(x)] as tf.Tensor[];
    const [h, w] = await Promise.all(outs.map((t) => t.array())) as number[][][][][];
    tf.dispose([x, ...outs]);
    const kernel = await model.getLayer("layer1_conv").getWeights()[0].array() as number[][][][];
    // Output (0, 0) reads input rows and columns -1, 0, 1 (the -1 ones are zero padding); (5, 7) reads 9..11, 13..15.
    for (const [i, j] of [[0, 0], [5, 7], [15, 15]]) {
      let want = 0;
      for (let r = 0; r < 3; r++) {
        for (let s = 0; s < 3; s++) {
          const [y, xx] = [2 * i + r - 1, 2 * j + s - 1];
          if (y < 0 || xx < 0 || y > 31 || xx > 31) continue;
          for (let c = 0; c < 4; c++) want += h[0][y][xx][c] * kernel[r][s][c][0];
        }
      }
      assert.ok(Math.abs(w[0][i][j][0] - want) < 1e-4, `(${i}, ${j}): ${w[0][i][j][0]} vs ${want}`);
    }
  } finally {
    model.dispose();
  }
});

Deno.test("every spec runs forward at 1/16 width: 10 logits", () => {
  const x = tf.randomNormal([2, 32, 32, 3], 0, 1, "float32", 1);
  for (const name of ARCH_NAMES) {
    const model = buildNet({ arch: name, width: 1 / 16 });
    const out = model.predict(x) as tf.Tensor;
    assert.deepEqual(out.shape, [2, 10], name);
    tf.dispose(out);
    model.dispose();
  }
  x.dispose();
});
