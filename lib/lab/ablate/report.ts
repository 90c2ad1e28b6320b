import { escapeHtml, type Figure, formatSeconds, reportHtml } from "../report/mod.ts";
import { type Ablation, armsNamed, comparisonsIn } from "./run.ts";
import {
  ALPHA,
  type MeanStd,
  welchInterval,
  type WelchTest,
  welchTest,
  welchVerdict,
} from "../../core/stats/mod.ts";

/** One printed row of an ablation: formatted mean ± std and the verdict against the base. */
export interface AblationRow {
  arm: string;
  "test acc (%)": string;
  "vs base (points)": string;
  verdict: string;
  "train time": string;
  "time to 94%": string;
}

const pct = (m: MeanStd) => `${(100 * m.mean).toFixed(2)} ± ${(100 * m.std).toFixed(2)}`;
const secs = (m: MeanStd) => `${formatSeconds(m.mean)} ± ${formatSeconds(m.std)}`;

/**
 * The ablation as table rows: accuracy, difference from the base with its 95% interval, Welch's p-value (the
 * level Bonferroni-corrected for the number of arms compared), time, time to 94%.
 */
export function ablationRows(a: Ablation): AblationRow[] {
  const comparisons = comparisonsIn(a);
  return a.arms.map((arm) => ({
    arm: arm.name,
    "test acc (%)": pct(arm.accuracy),
    "vs base (points)": arm.vsBase
      ? `${arm.vsBase.diff >= 0 ? "+" : ""}${(100 * arm.vsBase.diff).toFixed(2)} [${
        arm.vsBase.ci95.map((x) => (100 * x).toFixed(2)).join(", ")
      }]`
      : "",
    verdict: arm.vsBase
      ? welchVerdict(arm.vsBase, comparisons)
      : arm === a.arms[0]
      ? ""
      : "one seed: no test",
    "train time": secs(arm.trainSeconds),
    "time to 94%": arm.timeTo94 ? `${secs(arm.timeTo94)} (${arm.reached}/${arm.runs.length})` : "not reached",
  }));
}

/** One difference a {@link differenceFigure} draws: its label, the difference of means, its Welch test (none: one seed). */
interface Difference {
  label: string;
  diff: number;
  test: WelchTest | null;
}

/**
 * Differences in test accuracy, in points, each with its Welch interval at `level` (the verdicts' level, so that
 * an interval leaves the dashed zero line exactly when its verdict says "a difference", and is then drawn in its
 * own colour); without a test, the difference of the means alone. `zeroLabel` names what the zero line stands for.
 */
function differenceFigure(
  items: readonly Difference[],
  o: { level: number; seeds: number; title: string; xTitle: string; yTitle: string; zeroLabel: string },
): Figure {
  const tested = o.seeds >= 2;
  const points = (moved: boolean) => {
    const shown = items.filter((d) => (d.test !== null && d.test.p < o.level) === moved);
    return {
      type: "scatter",
      mode: "markers",
      name: moved
        ? `differs (p < ${o.level.toPrecision(2)})`
        : tested
        ? "within the noise"
        : "one seed: no test",
      x: shown.map((d) => d.label),
      y: shown.map((d) => 100 * d.diff),
      ...(tested
        ? {
          error_y: {
            type: "data",
            array: shown.map((d) => {
              const [lo, hi] = welchInterval(d.test!, o.level);
              return 100 * (hi - lo) / 2;
            }),
            visible: true,
          },
        }
        : {}),
      marker: { color: moved ? "#d62728" : "#1f77b4", size: 9 },
    };
  };
  const confidence = Number((100 * (1 - o.level)).toPrecision(3));
  const interval = tested
    ? `${o.seeds} seeds, ${confidence}% Welch interval${o.level < ALPHA ? ", Bonferroni" : ""}`
    : "one seed: no interval";
  return {
    data: [points(true), points(false)],
    layout: {
      title: { text: `${o.title} (${interval})` },
      // The items in the table's order, whichever trace holds them.
      xaxis: { title: { text: o.xTitle }, categoryorder: "array", categoryarray: items.map((d) => d.label) },
      yaxis: { title: { text: o.yTitle } },
      shapes: [{
        type: "line",
        xref: "paper",
        x0: 0,
        x1: 1,
        y0: 0,
        y1: 0,
        line: { dash: "dash", color: "gray" },
      }],
      annotations: [{
        xref: "paper",
        x: 1,
        xanchor: "right",
        y: 0,
        yanchor: "top",
        text: o.zeroLabel,
        showarrow: false,
        font: { color: "gray" },
      }],
    },
  };
}

/**
 * Each arm's difference from the base (the first arm) in test accuracy, in points, with its Welch interval at the
 * verdicts' level (95% for one arm; 1 - 0.05 / arms with Bonferroni's correction), over a dashed zero line that
 * stands for the base (labelled with its name): an arm whose interval leaves the line differs beyond the noise,
 * and is drawn in its own colour (the notebooks' and ablation.html's figure). With one seed per arm the
 * differences of the means are drawn without intervals. `xTitle` names what the arms are.
 */
export function ablationFigure(a: Ablation, xTitle = "arm (the base with one trick flipped)"): Figure {
  const [base, ...others] = a.arms;
  return differenceFigure(
    others.map((arm) => ({
      label: arm.name,
      diff: arm.accuracy.mean - base.accuracy.mean,
      test: a.runsPerArm >= 2 ? arm.vsBase : null,
    })),
    {
      level: ALPHA / comparisonsIn(a),
      seeds: a.runsPerArm,
      title: "Difference from the base per arm",
      xTitle,
      yTitle: "test accuracy minus the base's (points)",
      zeroLabel: `base: ${base.name}`,
    },
  );
}

/** Two arms of an ablation to compare: `to` against `from` (a step of a search, a neighbour). */
export interface ArmPair {
  from: string;
  to: string;
}

/** The Welch test of each pair (`to` minus `from`); throws naming an arm the ablation lacks. */
function pairTests(a: Ablation, pairs: readonly ArmPair[]) {
  return pairs.map((pair) => {
    const [from, to] = armsNamed(a, [pair.from, pair.to]);
    return { ...pair, from, to, test: a.runsPerArm >= 2 ? welchTest(from.accuracy, to.accuracy) : null };
  });
}

/**
 * Each pair's difference (`to` minus `from`) in points with its 95% interval and Welch's verdict at level 0.05 /
 * pairs (Bonferroni over the pairs): the comparison of each arm with its proper neighbour rather than with one base.
 */
export function pairRows(a: Ablation, pairs: readonly ArmPair[]): Array<Record<string, string>> {
  return pairTests(a, pairs).map(({ from, to, test }) => ({
    comparison: `${to.name} vs ${from.name}`,
    "difference (points)": `${to.accuracy.mean >= from.accuracy.mean ? "+" : ""}${
      (100 * (to.accuracy.mean - from.accuracy.mean)).toFixed(2)
    }${test ? ` [${test.ci95.map((x) => (100 * x).toFixed(2)).join(", ")}]` : ""}`,
    verdict: test ? welchVerdict(test, pairs.length) : "one seed: no test",
  }));
}

/** {@link pairRows} as a figure: each pair's difference with its Welch interval at the Bonferroni level. */
export function pairFigure(a: Ablation, pairs: readonly ArmPair[], xTitle: string): Figure {
  return differenceFigure(
    pairTests(a, pairs).map(({ from, to, test }) => ({
      label: `${to.name} vs ${from.name}`,
      diff: to.accuracy.mean - from.accuracy.mean,
      test,
    })),
    {
      level: ALPHA / pairs.length,
      seeds: a.runsPerArm,
      title: "Difference of each arm from its neighbour",
      xTitle,
      yTitle: "test accuracy, second minus first (points)",
      zeroLabel: "no difference",
    },
  );
}

/** One sentence from {@link pairRows}: which pairs differ beyond the noise and which do not, each with its p. */
export function pairVerdict(a: Ablation, pairs: readonly ArmPair[]): string {
  if (a.runsPerArm < 2) return "one seed per arm: no test";
  const tests = pairTests(a, pairs), level = ALPHA / pairs.length;
  const named = (t: (typeof tests)[number]) =>
    `${t.to.name} vs ${t.from.name} (p = ${t.test!.p.toPrecision(2)})`;
  const beyond = tests.filter((t) => t.test!.p < level).map(named);
  const within = tests.filter((t) => t.test!.p >= level).map(named);
  return `Welch's test, ${a.runsPerArm} seeds each, level ${
    level.toPrecision(2)
  } for ${pairs.length} comparisons: ` +
    `${beyond.length ? `a difference: ${beyond.join(", ")}` : "no pair differs beyond the noise"}` +
    `${within.length ? `; within the noise: ${within.join(", ")}` : ""}`;
}

/**
 * One sentence on which arms differ from the base (the first arm) by Welch's test at level 0.05 / (arms
 * compared) (Bonferroni) and which are within the noise of this many seeds, each with its p-value.
 */
export function noiseVerdict(a: Ablation): string {
  const [base, ...others] = a.arms;
  const tests = comparisonsIn(a), level = ALPHA / tests, seeds = `${a.runsPerArm} seeds each`;
  if (a.runsPerArm < 2) return `one seed per arm: no test of the differences from ${base.name}`;
  const named = (arm: (typeof others)[number]) => `${arm.name} (p = ${arm.vsBase!.p.toPrecision(2)})`;
  const beyond = others.filter((arm) => arm.vsBase!.p < level).map(named);
  const within = others.filter((arm) => arm.vsBase!.p >= level).map(named);
  const rule = `Welch's test, ${seeds}, level ${level.toPrecision(2)} for ${tests} comparison${
    tests === 1 ? "" : "s"
  }`;
  if (beyond.length === 0) {
    return `every difference from ${base.name} is within the noise (${rule}): ${within.join(", ")}`;
  }
  const lead = `differs from ${base.name} (${rule}): ${beyond.join(", ")}`;
  return within.length ? `${lead}; within the noise: ${within.join(", ")}` : lead;
}

/** A self-contained HTML page: what was run, the table, and each arm's difference from the base with its interval. */
export function ablationHtml(a: Ablation, title: string, facts: Record<string, string>): string {
  const rows = ablationRows(a);
  const head = Object.keys(rows[0]).map((k) => `<th>${escapeHtml(k)}</th>`).join("");
  const body = rows.map((r) =>
    `<tr>${Object.values(r).map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`
  );
  const factList = Object.entries(facts).map(([k, v]) =>
    `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`
  );
  const note =
    `<p>${a.runsPerArm} seeds per arm (mean ± sample std). Each arm's difference from the base comes with its 95% ` +
    `interval and Welch's two-sided p-value; with several arms the level is 0.05 / (arms compared) ` +
    `(Bonferroni).</p>`;
  return reportHtml(title, [
    `<h2>Setup</h2><table>${factList.join("")}</table>`,
    `<h2>Results</h2>${note}<table><thead><tr>${head}</tr></thead><tbody>${body.join("")}</tbody></table>`,
  ], [ablationFigure(a)]);
}
