import assert from "node:assert/strict";
import { initBackend, tf } from "../../lib/core/backend/mod.ts";
import { MomentumSgd } from "../../lib/core/train/mod.ts";
import { weightAverage } from "../../lib/core/train/stages/weight_average.ts";
import { stageContext } from "../stage_helpers.ts";

await initBackend("cpu", { log: () => {} });

const close = (got: ArrayLike<number>, want: number[], tol = 1e-6) =>
  want.forEach((x, i) =>
    assert.ok(Math.abs(got[i] - x) <= tol * Math.max(1, Math.abs(x)), `${got[i]} vs ${x} at ${i}`)
  );

Deno.test("SGD parameter groups get their own lr and weight decay", async () => {
  const a = tf.variable(tf.tensor1d([1, -2]), true, "group_test_a");
  const b = tf.variable(tf.tensor1d([0.5, 3]), true, "group_test_b");
  const sgd = new MomentumSgd([
    { name: "weights", lrScale: 1, wdScale: 1, params: [{ name: "a", variable: a }] },
    { name: "bn-bias", lrScale: 64, wdScale: 1 / 64, params: [{ name: "b", variable: b }] },
  ], { momentum: 0.9, weightDecay: 5e-3, nesterov: true });
  // Plain JS: PyTorch's Nesterov SGD per group with lr x lrScale and wd x wdScale.
  const ref = { a: [1, -2], b: [0.5, 3] }, vel = { a: [0, 0], b: [0, 0] };
  const scale = { a: [1, 1], b: [64, 1 / 64] };
  for (const [grad, lr] of [[[0.5, 0.25], 0.01], [[-1, 2], 0.02]] as const) {
    const g = tf.tensor1d([...grad]);
    sgd.step({ [a.name]: g, [b.name]: g }, lr);
    g.dispose();
    for (const k of ["a", "b"] as const) {
      const [ls, ws] = scale[k];
      const gd = ref[k].map((x, i) => grad[i] + 5e-3 * ws * x);
      vel[k] = vel[k].map((v, i) => 0.9 * v + gd[i]);
      ref[k] = ref[k].map((x, i) => x - lr * ls * (gd[i] + 0.9 * vel[k][i]));
    }
  }
  close(await a.data(), ref.a);
  close(await b.data(), ref.b, 1e-5);
  sgd.dispose();
  tf.dispose([a, b]);
});

Deno.test("mean loss with lr 1.0, wd 5e-4 equals Page's summed loss with lr 1.0/512, wd 5e-4 x 512", async () => {
  // A linear softmax model on a batch of 512; two steps at a constant lr (where Page's update, which keeps lr in
  // the velocity, and PyTorch's agree).
  const n = 512,
    x = tf.randomNormal([n, 6], 0, 1, "float32", 1),
    y = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, k) => k % 3), "int32"), 3);
  const w0 = tf.randomNormal([6, 3], 0, 0.3, "float32", 2);
  const loss = (w: tf.Tensor, reduce: "mean" | "sum") =>
    tf.losses.softmaxCrossEntropy(
      y,
      tf.matMul(x, w),
      undefined,
      0,
      reduce === "mean" ? tf.Reduction.MEAN : tf.Reduction.SUM,
    );
  const ours = tf.variable(w0.clone(), true, "page_ours");
  const sgd = new MomentumSgd(
    [{ name: "all", lrScale: 1, wdScale: 1, params: [{ name: "w", variable: ours }] }],
    { momentum: 0.9, weightDecay: 5e-4, nesterov: true },
  );
  let page = w0.clone(), v = tf.zerosLike(w0);
  for (let step = 0; step < 2; step++) {
    const g = tf.grad((w: tf.Tensor) => loss(w, "mean"))(ours);
    sgd.step({ [ours.name]: g }, 1.0);
    g.dispose();
    // torch_backend.py nesterov_update: dw = -lr (dw + wd w); v = mu v + dw; w += dw + mu v.
    const [pw, pv] = tf.tidy(() => {
      const dw = tf.mul(
        tf.add(tf.grad((w: tf.Tensor) => loss(w, "sum"))(page), tf.mul(page, 5e-4 * n)),
        -1.0 / n,
      );
      const vNew = tf.add(tf.mul(v, 0.9), dw);
      return [tf.add(page, tf.add(dw, tf.mul(vNew, 0.9))), vNew];
    });
    tf.dispose([page, v]);
    [page, v] = [pw, pv];
  }
  close(await ours.data(), Array.from(await page.data()), 1e-5);
  sgd.dispose();
  tf.dispose([x, y, w0, ours, page, v]);
});

Deno.test("the weight average after k updates equals rho-weighted sums, every float of the state included", async () => {
  const make = () => {
    const input = tf.input({ shape: [2] });
    const out = tf.layers.batchNormalization({ name: "bn" }).apply(
      tf.layers.dense({ units: 2, name: "fc", kernelInitializer: "zeros" }).apply(input),
    ) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: out });
  };
  const model = make(), avg = make();
  const ema = weightAverage(stageContext({ emaEvery: 5, emaMomentum: 0.9 }, model, () => avg))!;
  const rho = 0.9 ** 5;
  const kernel = model.weights.find((w) => w.originalName === "fc/kernel")!;
  const mean = model.weights.find((w) => w.originalName === "bn/moving_mean")!;
  let wantK = 0, wantM = 0; // both start at 0 (zeros kernel, zero running mean)
  for (let step = 0; step < 12; step++) {
    const value = step + 1;
    tf.tidy(() => {
      kernel.write(tf.fill([2, 2], value));
      mean.write(tf.fill([2], -value));
    });
    ema.afterStep!(step);
    if (step % 5 === 0) { // steps 0, 5, 10, as Page's update_ema
      wantK = rho * wantK + (1 - rho) * value;
      wantM = rho * wantM + (1 - rho) * -value;
    }
  }
  const byName = (m: tf.LayersModel, n: string) => m.weights.find((w) => w.originalName === n)!.read();
  close(await byName(avg, "fc/kernel").data(), [wantK, wantK, wantK, wantK]);
  close(await byName(avg, "bn/moving_mean").data(), [wantM, wantM]);
  close(await byName(model, "fc/kernel").data(), [12, 12, 12, 12]);
  model.dispose();
  ema.dispose!();
});
