/**
 * The spec tables: parameter counts per block from the spec alone, against counts by hand from Page's definitions
 * and against the built models; Page's quoted accuracies name real specs.
 */
import assert from "node:assert/strict";
import { initBackend, tf } from "../lib/core/backend/mod.ts";
import {
  ARCH_NAMES,
  buildNet,
  countTrainableParams,
  NET_SPECS,
  WHITEN_CHOICES,
  whiteningPlaceholder,
} from "../lib/core/model/mod.ts";
import {
  PAGE_ARCH_RESULTS,
  specDepth,
  specParamCount,
  specParams,
  specRows,
} from "../lib/lab/notebook/spec_table.ts";

await initBackend("webgpu", { log: () => {} });

Deno.test("DavidNet's blocks, counted by hand: 6,573,120 in all", () => {
  // prep: 3x3x3x64 conv + BN 64 (weight, bias); layer1: 3x3x64x128 + BN, residual 2 x (3x3x128x128 + BN);
  // layer2: 3x3x128x256 + BN; layer3: 3x3x256x512 + BN, residual 2 x (3x3x512x512 + BN); linear 512x10, no bias.
  const want = {
    prep: 1728 + 128,
    layer1: 73728 + 256 + 2 * (147456 + 256),
    layer2: 294912 + 512,
    layer3: 1179648 + 1024 + 2 * (2359296 + 1024),
    head: 5120,
  };
  const got = Object.fromEntries(specParams(NET_SPECS.davidnet).map((b) => [b.block, b.params]));
  assert.deepEqual(got, want);
  assert.equal(specParamCount(NET_SPECS.davidnet), 6_573_120);
  assert.equal(specDepth(NET_SPECS.davidnet), 8);
});

Deno.test("the 1x1 stride-2 backbone by hand: 1x1 convs 64-128-256-256, concat pool, linear 512 -> 10 + bias", () => {
  const want = (64 * 27 + 128) + (64 * 128 + 256) + (128 * 256 + 512) + (256 * 256 + 512) + (512 * 10 + 10);
  assert.equal(specParamCount(NET_SPECS["backbone-1x1s2"]), want);
  assert.equal(specDepth(NET_SPECS["backbone-1x1s2"]), 4);
  // Class A at L1L2L3 adds one 3x3 conv-BN per layer to `basic`.
  const extra = 9 * 128 * 128 + 256 + 9 * 256 * 256 + 512 + 9 * 512 * 512 + 1024;
  assert.equal(specParamCount(NET_SPECS["A-L1L2L3"]) - specParamCount(NET_SPECS.basic), extra);
});

Deno.test("airbench94's net by hand: 2x2 whitening bias, three conv groups, frozen BN scales: 1,971,352", () => {
  // airbench94.py make_net: whitening bias 24 (its 2x2x3x24 kernel is fixed); ConvGroup = conv, BN, conv, BN with
  // the BN weight frozen (bias only): 24 -> 64, 64 -> 256, 256 -> 256; linear 256 x 10 without bias.
  const want = {
    prep: 24,
    layer1: 9 * 24 * 64 + 64 + 9 * 64 * 64 + 64,
    layer2: 9 * 64 * 256 + 256 + 9 * 256 * 256 + 256,
    layer3: 2 * (9 * 256 * 256 + 256),
    head: 2560,
  };
  const blocks = specParams(NET_SPECS.airbench, 1, { freezeBnScale: true, whiten: "2x2" });
  assert.deepEqual(Object.fromEntries(blocks.map((b) => [b.block, b.params])), want);
  assert.equal(specParamCount(NET_SPECS.airbench, 1, { freezeBnScale: true, whiten: "2x2" }), 1_971_352);
  assert.match(blocks[0].layers, /^2x2 whitening 24 \(fixed\) \+ bias$/);
  // Page's 3x3 whitening on DavidNet: a 1x1 conv from the 27 whitened channels replaces the 3x3 prep conv.
  const page = specParams(NET_SPECS.davidnet, 1, { whiten: "3x3" })[0];
  assert.deepEqual(page, {
    block: "prep",
    layers: "3x3 whitening 27 (fixed), 1x1 conv 64",
    params: 27 * 64 + 128,
  });
});

Deno.test("every spec at widths 1 and 1/16, BN scale trained or frozen: the built model has the counted parameters", () => {
  for (const arch of ARCH_NAMES) {
    for (const width of [1, 1 / 16]) {
      for (const freezeBnScale of [false, true]) {
        const model = buildNet({ arch, width, freezeBnScale });
        assert.equal(
          specParamCount(NET_SPECS[arch], width, { freezeBnScale }),
          countTrainableParams(model),
          `${arch} at width ${width}, freezeBnScale ${freezeBnScale}`,
        );
        model.dispose();
      }
    }
  }
});

Deno.test("every spec with each input whitening, BN scale trained or frozen: the built model has the counted parameters", () => {
  const before = tf.memory().numTensors;
  for (const whiten of WHITEN_CHOICES.filter((w) => w !== "none")) {
    for (const arch of ARCH_NAMES) {
      for (const freezeBnScale of [false, true]) {
        const width = arch === "airbench" ? 1 : 1 / 16;
        const model = buildNet({ arch, width, freezeBnScale, whiten }, {
          whitening: whiteningPlaceholder(whiten),
        });
        assert.equal(
          specParamCount(NET_SPECS[arch], width, { freezeBnScale, whiten }),
          countTrainableParams(model),
          `${arch} at width ${width}, freezeBnScale ${freezeBnScale}, whiten ${whiten}`,
        );
        model.dispose();
      }
    }
  }
  assert.equal(tf.memory().numTensors, before, "building and disposing leaks no tensor");
});

Deno.test("specRows: one formatted row per net; Page's results name known nets with sources", () => {
  const rows = specRows(["backbone-1x1s2", "davidnet"], 1 / 16);
  assert.equal(rows.length, 2);
  assert.match(rows[0].layer1, /^1x1 conv 8 stride 2 \(\d+\)$/);
  assert.match(rows[1].layer3, /residual/);
  assert.equal(rows[1].params, specParamCount(NET_SPECS.davidnet, 1 / 16).toLocaleString("en-US"));
  assert.equal(rows[0].layer4, undefined, "no fourth column without a four-stage net");
  const withResnet = specRows(["resnet18", "davidnet"], 1);
  assert.match(withResnet[0].prep, /^3x3 conv 64 \(no BN\) \(1,728\)$/);
  assert.match(
    withResnet[0].layer4!,
    /^2 pre-activation residual blocks \(2 x 3x3 conv\) 256, stride 2 \(1x1 conv shortcut\) \(2,426,880\)$/,
  );
  assert.equal(withResnet[1].layer4, "");
  assert.equal(specDepth(NET_SPECS.resnet18), 17, "17 convs + the linear layer: ResNet-18");
  for (const r of PAGE_ARCH_RESULTS) {
    assert.ok(ARCH_NAMES.includes(r.arch), r.arch);
    assert.ok(r.testAcc > 50 && r.testAcc < 100 && r.source.length > 0, r.arch);
  }
  // Page's backbone search improves at every step (56.0 -> 85.6 -> 89.7 -> 90.7 -> 91.1).
  const steps = PAGE_ARCH_RESULTS.slice(0, 5).map((r) => r.testAcc);
  assert.deepEqual(steps, [...steps].sort((a, b) => a - b));
});
