import assert from "node:assert/strict";
import { cosine, makeSchedule, oneCycle, piecewiseLinear, stepDecay } from "../../lib/core/schedule/mod.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

Deno.test("piecewise in fractions of the run: DAWNBench's 0 -> 0.4 at 5/24 -> 0, the tricks' hold at 0.1", () => {
  const s = makeSchedule("piecewise", { lr: 0.4, peak: 5 / 24, end: 0, endAt: 1 }, 24);
  close(s(0), 0);
  close(s(2.5), 0.2);
  close(s(5), 0.4);
  close(s(14.5), 0.2);
  close(s(24), 0);
  close(s(30), 0);
  const t = makeSchedule("piecewise", { lr: 1, peak: 0.2, end: 0.1, endAt: 0.8 }, 10);
  close(t(1), 0.5);
  close(t(2), 1);
  close(t(5), 0.55);
  close(t(8), 0.1);
  close(t(9.5), 0.1);
  // The knots scale with the run: at 5 epochs the peak moves to epoch 1.
  close(makeSchedule("piecewise", { lr: 1, peak: 0.2, end: 0.1, endAt: 0.8 }, 5)(1), 1);
});

Deno.test("piecewise linear interpolates between knots and rejects unordered ones", () => {
  const s = piecewiseLinear([[0, 1], [2, 3], [4, 3], [5, 0]]);
  close(s(-1), 1);
  close(s(1), 2);
  close(s(3), 3);
  close(s(4.5), 1.5);
  assert.throws(() => piecewiseLinear([[0, 1], [0, 2]]), /must increase/);
});

Deno.test("one-cycle rises from peak/25 to the peak, then anneals to peak/25e4", () => {
  const s = oneCycle(1, 10, 0.3);
  close(s(0), 1 / 25);
  close(s(3), 1);
  close(s(10), 1 / 25 / 1e4);
  close(s(1.5), (1 / 25 + 1) / 2);
  assert.ok(s(6) < s(4));
});

Deno.test("cosine warms up linearly then decays with a half cosine; step decays by gamma", () => {
  const c = cosine(2, 10, 2);
  close(c(1), 1);
  close(c(2), 2);
  close(c(6), 1);
  close(c(10), 0);
  const st = stepDecay(1, [5, 8], 0.1);
  close(st(4.9), 1);
  close(st(5), 0.1);
  close(st(9), 0.01);
});
