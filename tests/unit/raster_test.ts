import assert from "node:assert/strict";
import {
  accuracyFigure,
  barFigure,
  figureSvg,
  JUPYTER_DISPLAY,
  lineFigure,
  rasterizeSvg,
  showFigure,
} from "../../lib/report/mod.ts";

const dark = (pixels: Uint8Array) => {
  let n = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i] + pixels[i + 1] + pixels[i + 2] < 300) n++;
  return n;
};

Deno.test("SVG to PNG: text renders with the bundled font, at twice the size, as a PNG file", async () => {
  const svg = (body: string) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" font-family="sans-serif">` +
    `<rect width="120" height="40" fill="white"/>${body}</svg>`;
  const blank = await rasterizeSvg(svg(""));
  const text = await rasterizeSvg(svg(`<text x="4" y="28" font-size="20">accuracy</text>`));
  assert.deepEqual([text.width, text.height], [240, 80]);
  assert.equal(dark(blank.pixels), 0);
  assert.ok(dark(text.pixels) > 400, `only ${dark(text.pixels)} dark pixels: the font did not load`);
  assert.deepEqual([...text.png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
});

Deno.test("figures: error bars, the labelled 94% line, and a PNG beside the plotly bundle", async () => {
  const bars = barFigure("t", "acc", [{ name: "a", x: ["base", "+ema"], y: [30, 35], error: [1, 2] }]);
  assert.equal(figureSvg(bars).match(/<path d="M/g)?.length, 2, "one error bar per bar");
  const metrics = [1, 2].map((epoch) => ({
    epoch,
    lr: 0.1,
    trainLoss: 1,
    trainAcc: 0.5,
    testAcc: 0.6,
    epochSeconds: 1,
    totalSeconds: epoch,
    evalSeconds: 0,
  }));
  const svg = figureSvg(accuracyFigure(metrics));
  assert.match(svg, /stroke-dasharray="4 3"/);
  assert.match(svg, />94% target</);
  const mime = (await showFigure(accuracyFigure(metrics)))[JUPYTER_DISPLAY]();
  assert.ok(mime["application/vnd.plotly.v1+json"]);
  const png = Uint8Array.from(atob(mime["image/png"] as string), (c) => c.charCodeAt(0));
  assert.deepEqual([...png.subarray(1, 4)], [80, 78, 71]);
  assert.ok(png.length > 5000);
});

Deno.test("static figures: 1-2-5 ticks on a short log axis, whole legend names, rotated labels above the x title", () => {
  const x = [0.001, 0.003, 0.01, 0.03, 0.1];
  const svg = figureSvg(lineFigure("t", "learning rate", "loss", [
    { name: "with batch norm (mean of 3 seeds, ± 1 std)", x, y: [1, 2, 3, 4, 5] },
  ], { logX: true }));
  const labels = [...svg.matchAll(/font-size="11">([^<]+)<\/text>/g)].map((m) => m[1]);
  for (const t of ["0.001", "0.002", "0.005", "0.01", "0.02", "0.05", "0.1"]) {
    assert.ok(labels.includes(t), t);
  }
  assert.match(svg, />with batch norm \(mean of 3 seeds, ± 1 std\)</);
  const cats = figureSvg(lineFigure("t", "layer", "pixels", [{ name: "rf", x: ["a", "b"], y: [1, 2] }]));
  assert.match(cats, />layer<\/text>/);
});

Deno.test("whole-number x ticks: epochs 1, 2, 3 and no 1.5 (lineFigure wholeX, accuracyFigure)", () => {
  const labels = (svg: string) => [...svg.matchAll(/font-size="11">([^<]+)<\/text>/g)].map((m) => m[1]);
  const series = [{ name: "seed 0", x: [1, 2, 3], y: [30, 40, 45] }];
  const whole = labels(figureSvg(lineFigure("t", "epoch", "acc", series, { wholeX: true })));
  for (const t of ["1", "2", "3"]) assert.ok(whole.includes(t), t);
  assert.ok(!whole.includes("1.5") && !whole.includes("2.5"), whole.join(" "));
  assert.ok(labels(figureSvg(lineFigure("t", "epoch", "acc", series))).includes("1.5"), "without wholeX: 0.5 steps");
  const metrics = [1, 2, 3].map((epoch) => ({
    epoch,
    lr: 0.1,
    trainLoss: 1,
    trainAcc: 0.5,
    testAcc: 0.4 + epoch / 10,
    epochSeconds: 1,
    totalSeconds: epoch,
    evalSeconds: 0,
  }));
  const acc = labels(figureSvg(accuracyFigure(metrics)));
  assert.ok(acc.includes("2") && !acc.includes("1.5") && !acc.includes("2.5"), acc.join(" "));
});
