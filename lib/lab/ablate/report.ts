import { escapeHtml, type Figure, formatSeconds, reportHtml } from "../report/mod.ts";
import type { Ablation } from "./run.ts";
import { ALPHA, type MeanStd, welchInterval, welchVerdict } from "../../core/stats/mod.ts";

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
  const comparisons = Math.max(1, a.arms.length - 1);
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

/**
 * Each arm's difference from the base (the first arm) in test accuracy, in points, with its Welch interval at the
 * verdicts' level (95% for one arm; 1 - 0.05 / arms with Bonferroni's correction), over a dashed zero line that
 * stands for the base (labelled with its name): an arm whose interval leaves the line differs beyond the noise,
 * and is drawn in its own colour (the notebooks' and ablation.html's figure). With one seed per arm the
 * differences of the means are drawn without intervals. `xTitle` names what the arms are.
 */
export function ablationFigure(a: Ablation, xTitle = "arm (the base with one trick flipped)"): Figure {
  const [base, ...others] = a.arms;
  const level = ALPHA / Math.max(1, others.length), tested = a.runsPerArm >= 2;
  const points = (moved: boolean) => {
    const arms = others.filter((arm) => (arm.vsBase !== null && arm.vsBase.p < level) === moved);
    return {
      type: "scatter",
      mode: "markers",
      name: moved
        ? `differs (p < ${level.toPrecision(2)})`
        : tested
        ? "within the noise"
        : "one seed: no test",
      x: arms.map((arm) => arm.name),
      y: arms.map((arm) => 100 * (arm.accuracy.mean - base.accuracy.mean)),
      ...(tested
        ? {
          error_y: {
            type: "data",
            array: arms.map((arm) => {
              const [lo, hi] = welchInterval(arm.vsBase!, level);
              return 100 * (hi - lo) / 2;
            }),
            visible: true,
          },
        }
        : {}),
      marker: { color: moved ? "#d62728" : "#1f77b4", size: 9 },
    };
  };
  const confidence = Number((100 * (1 - level)).toPrecision(3));
  const interval = tested
    ? `${a.runsPerArm} seeds, ${confidence}% Welch interval${others.length > 1 ? ", Bonferroni" : ""}`
    : "one seed: no interval";
  return {
    data: [points(true), points(false)],
    layout: {
      title: { text: `Difference from the base per arm (${interval})` },
      // The arms in the table's order, whichever trace holds them.
      xaxis: {
        title: { text: xTitle },
        categoryorder: "array",
        categoryarray: others.map((arm) => arm.name),
      },
      yaxis: { title: { text: "test accuracy minus the base's (points)" } },
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
        text: `base: ${base.name}`,
        showarrow: false,
        font: { color: "gray" },
      }],
    },
  };
}

/**
 * One sentence on which arms differ from the base (the first arm) by Welch's test at level 0.05 / (arms
 * compared) (Bonferroni) and which are within the noise of this many seeds, each with its p-value.
 */
export function noiseVerdict(a: Ablation): string {
  const [base, ...others] = a.arms;
  const level = ALPHA / Math.max(1, others.length), seeds = `${a.runsPerArm} seeds each`;
  if (a.runsPerArm < 2) return `one seed per arm: no test of the differences from ${base.name}`;
  const named = (arm: (typeof others)[number]) => `${arm.name} (p = ${arm.vsBase!.p.toPrecision(2)})`;
  const beyond = others.filter((arm) => arm.vsBase!.p < level).map(named);
  const within = others.filter((arm) => arm.vsBase!.p >= level).map(named);
  const rule = `Welch's test, ${seeds}, level ${level.toPrecision(2)} for ${others.length} comparison${
    others.length === 1 ? "" : "s"
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
