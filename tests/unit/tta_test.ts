import assert from "node:assert/strict";
import { initBackend, tf } from "../../lib/core/backend/mod.ts";
import { predictLogits } from "../../lib/core/train/mod.ts";
import { TTA_MODES } from "../../lib/core/augment/mod.ts";

await initBackend("cpu", { log: () => {} });

const H = 5, W = 6;

/** Reflection of index k into [0, n) without repeating the edge (numpy's and tf.mirrorPad's "reflect"). */
const reflect = (k: number, n: number) => (k < 0 ? -k : k >= n ? 2 * (n - 1) - k : k);

/** The image `x` (H x W, one channel) shifted by (dy, dx) and flipped left-right when `flip`, computed by hand. */
function view(x: number[], dy: number, dx: number, flip: boolean): number[] {
  return Array.from({ length: H * W }, (_, i) => {
    const r = Math.floor(i / W), c0 = i % W, c = flip ? W - 1 - c0 : c0;
    return x[reflect(r - dy, H) * W + reflect(c - dx, W)];
  });
}

Deno.test("TTA: flip sums 2 views, flip-translate 6 (2-pixel shifts), airbench 6 weighted (1-pixel shifts at half weight)", async () => {
  const x = Array.from({ length: H * W }, (_, i) => Math.sin(i * 1.7) + i / 10);
  const kernel = Array.from({ length: H * W * 3 }, (_, i) => Math.cos(i * 0.37));
  const input = tf.input({ shape: [H, W, 1] });
  const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 3, useBias: false });
  const model = tf.model({ inputs: input, outputs: dense.apply(flat) as tf.SymbolicTensor });
  dense.setWeights([tf.tensor2d(kernel, [H * W, 3])]);
  const logits = (v: number[]) => [0, 1, 2].map((u) => v.reduce((s, p, i) => s + p * kernel[i * 3 + u], 0));
  const sum = (views: number[][], weights = views.map(() => 1)) =>
    [0, 1, 2].map((u) => views.reduce((s, v, k) => s + weights[k] * logits(v)[u], 0));
  const pairs = (shifts: number[][]) =>
    shifts.flatMap(([dy, dx]) => [view(x, dy, dx, false), view(x, dy, dx, true)]);
  // airbench94.py infer_mirror_translate: 0.5 mirror(x) + 0.5 mean(mirror(x shifted by 1 pixel both ways)),
  // i.e. (x4) weights 1, 1 for the mirror pair and 1/2 for each of the four shifted views.
  const want: Record<typeof TTA_MODES[number], number[]> = {
    none: sum([view(x, 0, 0, false)]),
    flip: sum([view(x, 0, 0, false), view(x, 0, 0, true)]),
    "flip-translate": sum(pairs([[0, 0], [-2, -2], [2, 2]])),
    airbench: sum(pairs([[0, 0], [-1, -1], [1, 1]]), [1, 1, 0.5, 0.5, 0.5, 0.5]),
  };
  const xt = tf.tensor4d(x, [1, H, W, 1]);
  try {
    for (const mode of TTA_MODES) {
      const got = predictLogits(model, xt, mode);
      const g = await got.data();
      got.dispose();
      want[mode].forEach((w, u) =>
        assert.ok(Math.abs(g[u] - w) < 1e-4, `${mode} logit ${u}: ${g[u]} vs ${w}`)
      );
    }
  } finally {
    xt.dispose();
    model.dispose();
  }
});
