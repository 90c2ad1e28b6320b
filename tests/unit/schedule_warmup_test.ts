import assert from "node:assert/strict";
import { makeSchedule, stepDecay } from "../../lib/core/schedule/mod.ts";

Deno.test("step decay warms up like the other schedules: linear from 0 to the peak, then steps of 10x", () => {
  const s = makeSchedule("step", { lr: 0.4, peak: 5 / 24, end: 0, endAt: 1 }, 24);
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
  close(s(0), 0);
  close(s(2.5), 0.2);
  close(s(5), 0.4);
  close(s(11.9), 0.4);
  close(s(12), 0.04);
  close(s(18), 0.004);
  const none = makeSchedule("step", { lr: 0.4, peak: 0, end: 0, endAt: 1 }, 24);
  close(none(0), 0.4);
  close(none(12), 0.04);
  close(stepDecay(1, [5], 0.1)(0), 1); // no warm-up by default
});
