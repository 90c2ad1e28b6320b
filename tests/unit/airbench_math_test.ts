/**
 * The training side of the airbench94 preset, each piece against an independent computation written from
 * airbench94.py's text: the alternating flip, the LR shape, the decoupled hyperparameters and the lookahead average.
 * On tfjs's cpu backend.
 */
import assert from "node:assert/strict";
import { initBackend, tf } from "../../lib/core/backend/mod.ts";
import { drawEpoch } from "../../lib/core/augment/mod.ts";
import { AIRBENCH94 } from "../../lib/core/config/mod.ts";
import { MomentumSgd, type TrainConfig } from "../../lib/core/train/mod.ts";
import { scheduleOf, sgdRates } from "../../lib/core/config/mod.ts";
import { lookahead } from "../../lib/core/train/stages/lookahead.ts";
import { stageContext } from "../stage_helpers.ts";

await initBackend("cpu", { log: () => {} });

Deno.test("alternating flip: each image's flip is drawn once, and every odd epoch flips every image the other way", () => {
  const cfg = { ...AIRBENCH94.augment };
  const byImage = (e: number) => {
    const d = drawEpoch(1000, cfg, 3, e), f = new Uint8Array(1000);
    d.order.forEach((img, pos) => (f[img] = d.flip[pos]));
    return { f, order: d.order };
  };
  const [e0, e1, e2, e3] = [0, 1, 2, 3].map(byImage);
  const flips = e0.f.reduce((a, b) => a + b, 0);
  assert.ok(flips > 430 && flips < 570, `${flips} of 1000 flipped in epoch 0`);
  assert.deepEqual(e2.f, e0.f);
  assert.deepEqual(e3.f, e1.f);
  assert.ok(e1.f.every((v, i) => v === 1 - e0.f[i]), "epoch 1 is epoch 0 the other way");
  assert.notDeepEqual(e1.order, e0.order, "the order is still drawn per epoch");
  assert.notDeepEqual(
    byImage.call(null, 0).f,
    ((e) => {
      const d = drawEpoch(1000, cfg, 4, e), f = new Uint8Array(1000);
      d.order.forEach((img, pos) => (f[img] = d.flip[pos]));
      return f;
    })(0),
    "another seed draws other flips",
  );
});

Deno.test("the airbench94 LR shape: 0.2 -> 1 at 23% of the steps -> 0.07 at the end, as airbench94.py get_lr", () => {
  const steps = 476, spe = 48; // ceil(48 x 9.9): 48 batches of 1024 per epoch (drop_last)
  const warm = Math.floor(steps * 0.23);
  const getLr = (s: number) =>
    s < warm
      ? 0.2 * (1 - s / warm) + s / warm
      : (1 - (s - warm) / (steps - warm)) + 0.07 * ((s - warm) / (steps - warm));
  const schedule = scheduleOf(AIRBENCH94), peak = sgdRates(AIRBENCH94).lr;
  // The session reads the schedule at the end of each step; airbench's scheduler gives step s's lr before it.
  for (const s of [0, 1, 50, 108, 109, 110, 200, 400, 475]) {
    const ours = schedule((s + 1) / spe) / peak, theirs = getLr(s + 1);
    assert.ok(Math.abs(ours - theirs) < 0.01, `step ${s}: ${ours} vs airbench ${theirs}`);
  }
});

Deno.test("decoupled hyperparameters: two SGD steps on the mean loss equal PyTorch's SGD on airbench's summed loss", async () => {
  const cfg: TrainConfig = { ...AIRBENCH94, batchSize: 64 };
  // airbench94.py main(): kilostep_scale, lr, wd, lr_biases; PyTorch SGD: g = grad + (wd / lr) w; v = m v + g;
  // w -= lr (g + m v), the loss summed over the batch (its gradient = batch x the mean loss's).
  const kilostep = 1024 * (1 + 1 / (1 - 0.85)), lrPt = 11.5 / kilostep, wdPt = 0.0153 * 64 / kilostep;
  const rates = sgdRates(cfg);
  const w = tf.variable(tf.tensor1d([0.3, -1.2, 2]), true, "decoupled_w");
  const sgd = new MomentumSgd([{ name: "w", lrScale: 1, wdScale: 1, params: [{ name: "w", variable: w }] }], {
    momentum: cfg.momentum,
    weightDecay: rates.weightDecay,
    nesterov: true,
  });
  let ref = [0.3, -1.2, 2], v = [0, 0, 0];
  for (const [gMean, factor] of [[[0.1, -0.4, 0.25], 0.2], [[-0.3, 0.2, 0.05], 0.35]] as const) {
    const g = tf.tensor1d([...gMean]);
    sgd.step({ [w.name]: g }, rates.lr * factor);
    g.dispose();
    const lr = lrPt * factor, gs = ref.map((x, i) => 64 * gMean[i] + (wdPt / lrPt) * x);
    v = v.map((vi, i) => 0.85 * vi + gs[i]);
    ref = ref.map((x, i) => x - lr * (gs[i] + 0.85 * v[i]));
  }
  const got = await w.data();
  ref.forEach((x, i) => assert.ok(Math.abs(got[i] - x) < 1e-6, `${got[i]} vs ${x}`));
  // At airbench's batch of 1024: 11.5 x 1024 / kilostep_scale = 1.5 on the mean loss, weight decay 0.0153 / 11.5.
  const full = sgdRates(AIRBENCH94);
  assert.ok(
    Math.abs(full.lr - 1.5) < 1e-12 && Math.abs(full.weightDecay - 0.0153 / 11.5) < 1e-15,
    JSON.stringify(full),
  );
  sgd.dispose();
  w.dispose();
});

Deno.test("lookahead: every 5th step the net moves to avg = d avg + (1 - d) w, d = 0.95^5 (n / N)^3; last step copies", async () => {
  const make = () => {
    const input = tf.input({ shape: [2] });
    const out = tf.layers.batchNormalization({ name: "bn" }).apply(
      tf.layers.dense({ units: 2, name: "fc", kernelInitializer: "ones" }).apply(input),
    ) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: out });
  };
  const model = make(), total = 12;
  const stage = lookahead(
    stageContext({ lookaheadEvery: 5, lookaheadDecay: 0.95, lookaheadPower: 3 }, model, make, total),
  )!;
  const kernel = model.weights.find((w) => w.originalName === "fc/kernel")!;
  const mean = model.weights.find((w) => w.originalName === "bn/moving_mean")!;
  // airbench94.py LookaheadState: net_ema starts as the net (kernel 1, running mean 0); at current_steps % 5 == 0
  // ema.lerp_(net, 1 - decay), net.copy_(ema); after the last step update(decay=1.0) copies the average back.
  let avgK = 1, avgM = 0, netK = 1, netM = 0;
  for (let step = 0; step < total; step++) {
    netK += step + 1;
    netM -= 2 * (step + 1);
    tf.tidy(() => {
      kernel.write(tf.fill([2, 2], netK));
      mean.write(tf.fill([2], netM));
    });
    stage.afterStep!(step);
    const n = step + 1;
    if (n % 5 === 0) {
      const d = 0.95 ** 5 * (n / total) ** 3;
      avgK = d * avgK + (1 - d) * netK;
      avgM = d * avgM + (1 - d) * netM;
      [netK, netM] = [avgK, avgM];
    }
    const k = await kernel.read().data(), m = await mean.read().data();
    assert.ok(Math.abs(k[0] - netK) < 1e-3 * Math.abs(netK), `step ${step}: kernel ${k[0]} vs ${netK}`);
    assert.ok(Math.abs(m[0] - netM) < 1e-3 * Math.abs(netM), `step ${step}: running mean ${m[0]} vs ${netM}`);
  }
  tf.tidy(() => {
    kernel.write(tf.fill([2, 2], 1000));
  });
  stage.afterRun!();
  assert.ok(
    Math.abs((await kernel.read().data())[0] - avgK) < 1e-3 * avgK,
    "the last copy restores the average",
  );
  stage.dispose!();
  model.dispose();
});
