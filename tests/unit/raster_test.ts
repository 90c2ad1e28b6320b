import assert from "node:assert/strict";
import { encode } from "fast-png";
import { decodePng } from "../../lib/core/data/mod.ts";
import { Rng } from "../../lib/core/random/mod.ts";
import {
  accuracyFigure,
  barFigure,
  encodePng,
  figureSvg,
  JUPYTER_DISPLAY,
  lineFigure,
  rasterizeSvg,
  showFigure,
  showImages,
  tileImages,
} from "../../lib/lab/report/mod.ts";

/** Dark pixels (RGB sum under 300) among RGBA `pixels`. */
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

Deno.test("PNG: an image grid round-trips to the same pixels; damaged, foreign and 16-bit files are named", () => {
  const rng = new Rng(3);
  const images = Array.from(
    { length: 12 },
    () => Uint8Array.from({ length: 32 * 32 * 3 }, () => rng.int(256)),
  );
  const grid = tileImages(images, 5, 32, 2);
  assert.deepEqual([grid.width, grid.height], [5 * 66 + 2, 3 * 66 + 2]);
  const png = encodePng(grid.pixels, grid.width, grid.height);
  const back = decodePng(png);
  assert.deepEqual([back.width, back.height, back.channels], [grid.width, grid.height, 3]);
  assert.deepEqual(back.pixels, grid.pixels);
  const shown = showImages(images, 5, 2)[JUPYTER_DISPLAY]()["image/png"] as string;
  assert.deepEqual(decodePng(Uint8Array.from(atob(shown), (c) => c.charCodeAt(0))).pixels, grid.pixels);
  assert.throws(
    () => encodePng(grid.pixels, grid.width + 1, grid.height),
    /encodePng: \d+ bytes for 333x200 RGB/,
  );
  const damaged = png.slice();
  damaged[60] ^= 1; // inside the image data (signature 8 bytes, IHDR chunk 25, IDAT header 8)
  assert.throws(
    () => decodePng(damaged, "grid.png"),
    /^Error: grid\.png: damaged PNG \(.+\); re-fetch the file$/,
  );
  const badCrc = png.slice();
  badCrc[badCrc.length - 1] ^= 1; // the IEND chunk's CRC: the pixels are intact, only the checksum catches it
  assert.throws(() => decodePng(badCrc, "grid.png"), /grid\.png: damaged PNG \(CRC mismatch for chunk IEND/);
  assert.throws(() => decodePng(png.subarray(1), "grid.png"), /grid\.png: not a PNG file \(bad signature\)/);
  const deep = encode({ width: 2, height: 1, data: new Uint16Array(6), channels: 3, depth: 16 });
  assert.throws(() => decodePng(deep, "deep.png"), /deep\.png: unsupported PNG \(bit depth 16\); only 8-bit/);
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
  assert.ok(
    labels(figureSvg(lineFigure("t", "epoch", "acc", series))).includes("1.5"),
    "without wholeX: 0.5 steps",
  );
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

Deno.test("rotated category labels stay inside the image, cut with an ellipsis, with the x title below them", async () => {
  const names = [
    "train-00000-of-00004.tfrecord",
    "train-00001-of-00004.tfrecord",
    "a-label-of-forty-characters-exactly-here",
  ];
  const svg = figureSvg(
    barFigure("t", "MB/s", [{ name: "MB/s", x: names, y: [400, 600, 500] }], "shard file"),
  );
  const { pixels, width, height } = await rasterizeSvg(svg);
  let leftEdge = 0, bottomRows = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < 4; x++) {
      if (dark(pixels.subarray(4 * (y * width + x), 4 * (y * width + x) + 4))) leftEdge++;
    }
  }
  for (let x = 0; x < width; x++) {
    if (dark(pixels.subarray(4 * ((height - 1) * width + x), 4 * ((height - 1) * width + x) + 4))) {
      bottomRows++;
    }
  }
  assert.equal(leftEdge, 0, "a rotated label runs off the left edge");
  assert.equal(bottomRows, 0, "text runs off the bottom edge");
  assert.match(svg, />a-label-of-forty-characters…</, "cut at 28 characters with an ellipsis");
  const labelY = Number(
    /<text x="[\d.]+" y="([\d.]+)" text-anchor="end" transform="rotate\(-35/.exec(svg)![1],
  );
  const titleY = Number(
    /<text x="[\d.]+" y="([\d.]+)" text-anchor="middle" font-size="12">shard file</.exec(svg)![1],
  );
  assert.ok(
    titleY - labelY > 28 * 6 * Math.sin(35 * Math.PI / 180),
    `x title at ${titleY}, labels from ${labelY}`,
  );
});

Deno.test("series styles: categories placed by label, markers-only and dashed series, colours, legend swatches", () => {
  const blocks = ["prep", "layer1", "layer2"];
  const svg = figureSvg(lineFigure("t", "block", "share", [
    { name: "with BN", x: blocks, y: [1, 1, 1], color: "#123456" },
    { name: "with BN: logits", x: ["logits"], y: [0.2], mode: "markers", color: "#123456" },
    { name: "formula", x: blocks, y: [0.5, 0.6, 0.7], dash: "dash" },
  ], { markers: true }));
  const circles = [...svg.matchAll(/<circle cx="([\d.]+)" cy="[\d.]+" r="2.5" fill="#123456"/g)].map((m) =>
    Number(m[1])
  );
  assert.equal(circles.length, 4, "three block points and the logits point");
  assert.ok(circles[3] > circles[2], "the logits point sits at its own category, after the blocks");
  assert.equal(
    svg.match(/<polyline[^>]*stroke="#123456"/g)?.length,
    1,
    "the logits point is not joined to the blocks",
  );
  assert.equal(svg.match(/stroke-dasharray="6 4"/g)?.length, 2, "the dashed series and its legend swatch");
  for (const label of ["prep", "layer1", "layer2", "logits"]) {
    assert.match(svg, new RegExp(`>${label}</text>`));
  }
  const hidden = figureSvg({
    data: [{ type: "scatter", name: "not in the legend", x: [1, 2], y: [1, 2], showlegend: false }],
    layout: {},
  });
  assert.doesNotMatch(hidden, /not in the legend/);
});

Deno.test("long titles shrink and stay inside the image", async () => {
  const long =
    "block (after BN + ReLU, or ReLU without BN); the logits, not a block, and something more to make it long";
  const svg = figureSvg(
    lineFigure(`${long}, as the figure's title too`, long, "share", [{
      name: "a very long series name for the legend",
      x: [1, 2],
      y: [1, 2],
    }]),
  );
  const xTitle = /<text x="([\d.]+)" y="352" text-anchor="middle" font-size="([\d.]+)">block/.exec(svg)!;
  assert.ok(Number(xTitle[2]) < 12, `x title at ${xTitle[2]} px`);
  const { pixels, width, height } = await rasterizeSvg(svg);
  let edge = 0;
  for (let y = 0; y < height; y++) {
    for (const x of [0, 1, width - 2, width - 1]) {
      if (dark(pixels.subarray(4 * (y * width + x), 4 * (y * width + x) + 4))) edge++;
    }
  }
  assert.equal(edge, 0, "text touches the left or right edge");
});

Deno.test("markers at the ends of a numeric axis keep a margin from the axis line", () => {
  const svg = figureSvg(
    lineFigure("t", "lr", "acc", [{ name: "a", x: [0.001, 0.01], y: [1, 2] }], { logX: true, markers: true }),
  );
  const xs = [...svg.matchAll(/<circle cx="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.ok(xs[0] > 60 + 5, `first marker at ${xs[0]}, the axis at 60`);
});

Deno.test("a legend name too long for the legend column is cut with an ellipsis, inside the image", async () => {
  const name = "momentum 0.95, lr / (1 - momentum) held, and more words";
  const svg = figureSvg(lineFigure("t", "x", "y", [{ name, x: [1, 2], y: [1, 2] }]));
  assert.doesNotMatch(svg, new RegExp(name.replace(/[()/]/g, "\\$&")));
  assert.match(svg, />momentum 0\.95, lr \/ \(1 - momentum\)[^<]*…</);
  const { pixels, width, height } = await rasterizeSvg(svg);
  let edge = 0;
  for (let y = 0; y < height; y++) {
    for (const x of [width - 2, width - 1]) {
      if (dark(pixels.subarray(4 * (y * width + x), 4 * (y * width + x) + 4))) edge++;
    }
  }
  assert.equal(edge, 0, "legend text touches the right edge");
});
