import { barFigure, escapeHtml, type Figure, formatSeconds, reportHtml } from "../report/mod.ts";
import type { Ablation } from "./run.ts";
import { ALPHA, type MeanStd, welchVerdict } from "../../core/stats/mod.ts";

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
 * Test accuracy per arm as bars with ± 1 sample-std error bars (the notebooks' and ablation.html's figure);
 * `xTitle` names what the arms are.
 */
export function ablationFigure(a: Ablation, xTitle = "arm (base, or base with one trick flipped)"): Figure {
  return barFigure(`Test accuracy per arm (${a.runsPerArm} seeds, ± 1 std)`, "test accuracy (%)", [{
    name: `mean of ${a.runsPerArm} seeds`,
    x: a.arms.map((arm) => arm.name),
    y: a.arms.map((arm) => 100 * arm.accuracy.mean),
    error: a.arms.map((arm) => 100 * arm.accuracy.std),
  }], xTitle);
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

/** A self-contained HTML page: what was run, the table, and test accuracy per arm with ± 1 std error bars. */
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
