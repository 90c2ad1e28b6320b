import assert from "node:assert/strict";
import { ablationFigure, ablationRows, ablationVariants, noiseVerdict } from "../../lib/lab/ablate/mod.ts";
import { type MeanStd, meanStd, type WelchTest, welchTest } from "../../lib/core/stats/mod.ts";
import {
  AIRBENCH94,
  BAG_OF_TRICKS,
  BASELINE,
  CONFIG_SCHEMA,
  ConfigError,
  configFrom,
  emaMomentumForSteps,
  flipTrick,
  getPath,
  PRESETS,
  SMOKE,
  SMOKE_TRICKS,
  TOGGLES,
  TRICK_SPECS,
  trickIsOn,
  TRICKS,
  validateConfig,
} from "../../lib/core/config/mod.ts";
import { DAVIDNET_DEFAULTS, NET_PARAMS } from "../../lib/core/model/mod.ts";
import { accuracyFigure, figureSvg, formatSeconds } from "../../lib/lab/report/mod.ts";
import { summaryRows } from "../../lib/lab/run/mod.ts";
import type { TrainConfig } from "../../lib/core/train/mod.ts";

/** Every leaf path of a config object ("model.width", ...). */
function leaves(o: object, prefix = ""): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? leaves(v, `${prefix}${k}.`) : [`${prefix}${k}`]
  );
}

Deno.test("the schema spells every hyperparameter once: each config leaf has exactly one flag", () => {
  const paths = CONFIG_SCHEMA.map((p) => p.path);
  assert.deepEqual([...paths].sort(), leaves(SMOKE).sort());
  assert.equal(new Set(CONFIG_SCHEMA.map((p) => p.flag)).size, CONFIG_SCHEMA.length);
  for (const p of CONFIG_SCHEMA) assert.ok(p.help && p.source, `--${p.flag} needs help and a source`);
});

Deno.test("each field is written once: the baseline is the schema's defaults, and no file declares the config's fields", async () => {
  for (const p of CONFIG_SCHEMA) assert.equal(getPath(BASELINE, p.path), p.default, `--${p.flag}`);
  assert.equal(new Set(CONFIG_SCHEMA.map((p) => p.path)).size, CONFIG_SCHEMA.length, "one entry per path");
  // TrainConfig is derived from the schema (lib/core/config/train_config.ts), NetConfig from NET_PARAMS
  // (lib/core/model/net_config.ts): no file under lib/ declares either by hand.
  const declared: string[] = [];
  const walk = async (dir: URL) => {
    for await (const e of Deno.readDir(dir)) {
      const url = new URL(e.isDirectory ? `${e.name}/` : e.name, dir);
      if (e.isDirectory) await walk(url);
      else if (
        e.name.endsWith(".ts") && /interface (TrainConfig|NetConfig)\b/.test(await Deno.readTextFile(url))
      ) {
        declared.push(e.name);
      }
    }
  };
  await walk(new URL("../../lib/", import.meta.url));
  assert.deepEqual(declared, []);
});

Deno.test("a net field is written once, in lib/core/model's NET_PARAMS: the defaults and the schema's entries come from it", () => {
  const netEntries = CONFIG_SCHEMA.filter((p) => p.path.startsWith("model."));
  assert.deepEqual(netEntries.map((p) => p.path.slice(6)).sort(), Object.keys(NET_PARAMS).sort());
  for (const { flag: _, path, ...spec } of netEntries) {
    const key = path.slice(6) as keyof typeof NET_PARAMS;
    assert.deepEqual(spec, NET_PARAMS[key], path);
    assert.equal(DAVIDNET_DEFAULTS[key], NET_PARAMS[key].default, path);
  }
  assert.deepEqual(Object.keys(DAVIDNET_DEFAULTS), Object.keys(NET_PARAMS));
  // The flags are the fields' names in kebab case, as the command line has always spelled them.
  assert.deepEqual(netEntries.map((p) => p.flag).sort(), [
    "activation",
    "arch",
    "batch-norm",
    "bn-eps",
    "bn-momentum",
    "celu-alpha",
    "dirac-init",
    "freeze-bn-scale",
    "ghost-batch",
    "head-unit-std",
    "logit-scale",
    "move-pool",
    "pool",
    "whiten",
    "width",
  ]);
});

Deno.test("every preset is valid; tricks is Page's final setup", () => {
  for (const [name, preset] of Object.entries(PRESETS)) {
    assert.doesNotThrow(() => validateConfig(preset), name);
  }
  assert.equal(TRICKS.epochs, 10);
  assert.deepEqual([TRICKS.lr, TRICKS.lrPeak, TRICKS.lrEnd, TRICKS.lrEndAt], [1, 0.2, 0.1, 0.8]);
  assert.deepEqual([TRICKS.biasLrScale, TRICKS.biasWdScale, TRICKS.emaEvery], [64, 1 / 64, 5]);
  assert.equal(SMOKE_TRICKS.model.width, 1 / 16);
  assert.equal(SMOKE_TRICKS.model.whiten, "3x3");
});

Deno.test("the weight average's momentum keeps Page's horizon (a tenth of the run) at any run length", () => {
  assert.ok(Math.abs(emaMomentumForSteps(970) - TRICKS.emaMomentum) < 0.001); // Page's 970 steps: his 0.99
  assert.equal(emaMomentumForSteps(160).toFixed(2), SMOKE_TRICKS.emaMomentum.toFixed(2)); // smoke: 0.94
  assert.equal(emaMomentumForSteps(100_000), 0.99);
  assert.equal(emaMomentumForSteps(5), 0);
  // What the initial weights still weigh in the average after a 96-step run: Page's 0.99 leaves 38%.
  assert.ok(0.99 ** 96 > 0.38);
  assert.ok(emaMomentumForSteps(96) ** 96 < 1e-4);
  assert.throws(() => emaMomentumForSteps(0), /steps must be positive/);
});

Deno.test("flags override a preset; --epochs rescales the schedule's knots (fractions of the run)", () => {
  const one = configFrom(SMOKE, { epochs: 1 });
  assert.equal(one.epochs, 1);
  assert.equal(one.lrPeak, SMOKE.lrPeak);
  assert.equal(configFrom(SMOKE, { "ghost-batch": 32, width: 0.125 }).model.ghostBatch, 32);
});

Deno.test("validation names the flag and the problem", () => {
  const bad = (values: Record<string, number | string | boolean>, re: RegExp) =>
    assert.throws(
      () => configFrom(SMOKE, values),
      (e: Error) => e instanceof ConfigError && re.test(e.message),
    );
  bad({ "batch-size": 8192 }, /--batch-size 8192 exceeds the 4096 training images/);
  bad({ "ghost-batch": 48 }, /--ghost-batch 48 does not divide --batch-size 128/);
  bad({ "lr-peak": 0.9, "lr-end-at": 0.5 }, /--lr-end-at 0.5 must come after --lr-peak 0.9/);
  bad({ "batch-norm": false, "freeze-bn-scale": true }, /need batch norm/);
  assert.throws(
    () => validateConfig({ ...SMOKE, momentum: 2 } as TrainConfig),
    /--momentum 2: must be at most 1/,
  );
  assert.throws(
    () => validateConfig({ ...SMOKE, tta: "sideways" } as unknown as TrainConfig),
    /--tta "sideways"/,
  );
});

Deno.test("a toggle flips every setting of its trick, and back", () => {
  assert.ok(trickIsOn(TRICKS, "frozen-bn-scale"));
  const off = flipTrick(TRICKS, "frozen-bn-scale");
  assert.deepEqual(
    [off.model.freezeBnScale, off.model.celuAlpha, off.model.logitScale, off.biasLrScale, off.biasWdScale],
    [false, 0.075, 0.125, 1, 1],
  );
  assert.deepEqual(flipTrick(off, "frozen-bn-scale"), TRICKS);
  assert.equal(TRICKS.model.freezeBnScale, true, "flipping copies; the preset is untouched");
  for (const base of [TRICKS, AIRBENCH94]) {
    for (const t of TOGGLES) assert.notEqual(trickIsOn(base, t), trickIsOn(flipTrick(base, t), t), t);
  }
});

Deno.test("airbench94's pieces are toggles: on in its preset, off in Page's; GELU is not on in a CELU net", () => {
  for (const t of ["gelu", "dirac-init", "whiten-2x2", "lookahead", "alternate-flip", "multi-crop-tta"]) {
    assert.ok(trickIsOn(AIRBENCH94, t), `${t} on in airbench94`);
    assert.ok(!trickIsOn(TRICKS, t), `${t} off in tricks`);
  }
  const off = flipTrick(AIRBENCH94, "whiten-2x2");
  assert.deepEqual([off.model.whiten, off.whitenBiasEpochs], ["none", 0]);
  assert.equal(flipTrick(TRICKS, "gelu").model.activation, "gelu");
  assert.throws(() => flipTrick(TRICKS, "nope"), /no trick 'nope'; toggles: .*lookahead/);
});

Deno.test("the bag of tricks derives from the toggles, with mixed precision not available", () => {
  assert.equal(BAG_OF_TRICKS.filter((t) => t.available).length, TRICK_SPECS.length);
  const ghost = BAG_OF_TRICKS.find((t) => t.trick.startsWith("Ghost"))!;
  assert.equal(ghost.how, "--ghost-batch 32");
  assert.match(BAG_OF_TRICKS.at(-1)!.how, /float16/);
  for (const t of BAG_OF_TRICKS.filter((t) => t.available)) {
    for (const flag of t.how.matchAll(/--([a-z-]+)/g)) {
      assert.ok(CONFIG_SCHEMA.some((p) => p.flag === flag[1]), `${t.trick}: --${flag[1]} is in the schema`);
    }
  }
});

Deno.test("ablation: variants flip one trick each; rows and verdicts from Welch's test, Bonferroni over the arms", () => {
  const v = ablationVariants(SMOKE_TRICKS, ["ema", "cutout"]);
  assert.deepEqual(v.map((x) => x.name), ["base", "-ema", "+cutout"]);
  assert.equal(getPath(v[1].config, "emaEvery"), 0);
  assert.equal(getPath(v[2].config, "augment.cutout"), 8);
  assert.throws(() => ablationVariants(SMOKE, ["nope"]), /no trick 'nope'/);
  const a = meanStd([0.5, 0.52, 0.54]), b = meanStd([0.6, 0.62, 0.64]), c = meanStd([0.51, 0.53, 0.55]);
  const arm = (name: string, accuracy: MeanStd, vsBase: WelchTest | null) => ({
    name,
    toggle: null,
    runs: [],
    accuracy,
    trainSeconds: accuracy,
    timeTo94: null,
    reached: 0,
    vsBase,
  });
  const ablation = { runsPerArm: 3, arms: [arm("base", a, null), arm("-ema", b, welchTest(a, b))] };
  const rows = ablationRows(ablation);
  assert.equal(rows[1]["test acc (%)"], "62.00 ± 2.00");
  assert.match(rows[1]["vs base (points)"], /^\+10\.00 \[5\.47, 14\.53\]$/);
  assert.match(rows[1].verdict, /^p = 0\.004 \(Welch.*: a difference$/);
  assert.equal(rows[0]["time to 94%"], "not reached");
  assert.equal(
    noiseVerdict(ablation),
    "differs from base (Welch's test, 3 seeds each, level 0.050 for 1 comparison): -ema (p = 0.0036)",
  );
  ablation.arms.push(arm("+cutout", c, welchTest(a, c)));
  assert.equal(
    noiseVerdict(ablation),
    "differs from base (Welch's test, 3 seeds each, level 0.025 for 2 comparisons): -ema (p = 0.0036); " +
      "within the noise: +cutout (p = 0.57)",
  );
  const fig = ablationFigure(ablation);
  const [moved, within] = fig.data as Array<
    { name: string; x: string[]; y: number[]; error_y: { array: number[] } }
  >;
  assert.deepEqual([moved.name, moved.x, within.name, within.x], [
    "differs (p < 0.025)",
    ["-ema"],
    "within the noise",
    ["+cutout"],
  ]);
  assert.ok(Math.abs(moved.y[0] - 10) < 1e-9 && Math.abs(within.y[0] - 1) < 1e-9, "points from the base");
  assert.ok(
    Math.abs(moved.error_y.array[0] - 4.53) > 0.5,
    "wider than half the 95% interval: two arms, 97.5%",
  );
  assert.match(
    String((fig.layout.title as { text: string }).text),
    /\(3 seeds, 97.5% Welch interval, Bonferroni\)/,
  );
  assert.deepEqual((fig.layout.xaxis as { categoryarray: string[] }).categoryarray, ["-ema", "+cutout"]);
  assert.deepEqual((fig.layout.shapes as Array<{ y0: number }>).map((l) => l.y0), [0]);
  const svg = figureSvg(fig);
  assert.ok(svg.indexOf(">-ema<") < svg.indexOf(">+cutout<"), "arms in the table's order");
  assert.match(svg, /stroke-dasharray="4 3"/);
  assert.match(svg, />base: base</);
  // A family of 5 tests (a notebook that also compares two arms): table, verdict and figure share its level.
  const family = { ...ablation, family: 5 };
  assert.match(ablationRows(family)[1].verdict, /level 0\.010 for 5 comparisons\): a difference$/);
  assert.match(noiseVerdict(family), /level 0\.010 for 5 comparisons\): -ema/);
  assert.match(String((ablationFigure(family).layout.title as { text: string }).text), /99% Welch interval/);
  ablation.arms.splice(1, 1);
  assert.match(noiseVerdict(ablation), /^every difference from base is within the noise \(Welch's test/);
});

Deno.test("the run report: a formatted summary (units, rounding, 'not reached'), a labelled 94% line, whole epochs", () => {
  const rows = Object.fromEntries(summaryRows({
    status: "completed",
    seed: 3,
    finalTestAcc: 0.51234,
    timeTo94Seconds: null,
    trainSeconds: 217.126008481,
    wallSeconds: 300.5,
    compileSeconds: 12.25,
    epochsDone: 5,
    backend: "webgpu",
    adapter: "llvmpipe",
    kernels: { mode: "fast", conv: "auto" },
    params: 6573120,
    divergedAt: null,
  }));
  assert.equal(rows["test accuracy"], "51.23%");
  assert.equal(rows["time to 94%"], "not reached");
  assert.equal(rows["training time"], "3m37s (217.1 s)");
  assert.equal(rows["trainable parameters"], "6,573,120");
  assert.equal(rows.diverged, "no");
  const metrics = [1, 2, 3].map((epoch) => ({
    epoch,
    lr: 0.1,
    trainLoss: 1,
    trainAcc: 0.5,
    testAcc: epoch === 3 ? 0.6 : null,
    epochSeconds: 1,
    totalSeconds: epoch,
    evalSeconds: 0,
  }));
  const fig = accuracyFigure(metrics);
  const layout = fig.layout as { xaxis: { dtick: number }; annotations: Array<{ text: string; y: number }> };
  assert.equal(layout.xaxis.dtick, 1);
  assert.deepEqual(layout.annotations.map((a) => [a.text, a.y]), [["94% target", 0.94]]);
});

Deno.test("formatSeconds rounds to whole seconds before splitting, so no field reads 60", () => {
  assert.equal(formatSeconds(4799.95), "1h20m00s");
  assert.equal(formatSeconds(119.6), "2m00s");
  assert.equal(formatSeconds(3599.5), "1h00m00s");
  assert.equal(formatSeconds(217.126), "3m37s");
  assert.equal(formatSeconds(59.94), "59.9s");
});
