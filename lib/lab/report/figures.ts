import type { EpochMetrics } from "../../core/train/mod.ts";

/** A plotly figure: traces and layout, as plotly.js and the `application/vnd.plotly.v1+json` MIME type take it. */
export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

const steps = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Training loss per step. */
export function lossFigure(losses: number[]): Figure {
  return {
    data: [{ type: "scatter", mode: "lines", name: "train loss", x: steps(losses.length), y: losses }],
    layout: {
      title: { text: "Training loss" },
      xaxis: { title: { text: "step" } },
      yaxis: { title: { text: "training loss (cross-entropy with the run's label smoothing)" } },
    },
  };
}

/** Train and test accuracy per epoch. */
export function accuracyFigure(metrics: EpochMetrics[]): Figure {
  const tested = metrics.filter((m) => m.testAcc !== null);
  return {
    data: [
      {
        type: "scatter",
        mode: "lines+markers",
        name: "train",
        x: metrics.map((m) => m.epoch),
        y: metrics.map((m) => m.trainAcc),
      },
      {
        type: "scatter",
        mode: "lines+markers",
        name: "test",
        x: tested.map((m) => m.epoch),
        y: tested.map((m) => m.testAcc),
      },
    ],
    layout: {
      title: { text: "Accuracy" },
      // Whole epochs only: with few epochs plotly would otherwise put ticks at half epochs.
      xaxis: { title: { text: "epoch" }, tick0: 1, dtick: Math.max(1, Math.ceil(metrics.length / 12)) },
      yaxis: { title: { text: "accuracy (fraction of images)" }, range: [0, 1] },
      shapes: [{
        type: "line",
        xref: "paper",
        x0: 0,
        x1: 1,
        y0: 0.94,
        y1: 0.94,
        line: { dash: "dot", color: "gray" },
      }],
      annotations: [{
        xref: "paper",
        x: 0,
        xanchor: "left",
        y: 0.94,
        yanchor: "bottom",
        text: "94% target",
        showarrow: false,
        font: { color: "gray" },
      }],
    },
  };
}

/** Learning rate per step. */
export function lrFigure(lrs: number[]): Figure {
  return {
    data: [{ type: "scatter", mode: "lines", name: "learning rate", x: steps(lrs.length), y: lrs }],
    layout: {
      title: { text: "Learning rate" },
      xaxis: { title: { text: "step" } },
      yaxis: { title: { text: "learning rate (per step)" } },
    },
  };
}

/** One named series of a line or bar figure. */
export interface Series {
  name: string;
  x: Array<number | string>;
  y: number[];
  /** Error bar half-lengths (e.g. one standard deviation), drawn when given. */
  error?: number[];
  /** Line series only: points not joined (`markers`), a line without points (`lines`); default from the figure. */
  mode?: "lines" | "markers" | "lines+markers";
  /** Line series only: a dashed or dotted line, so that a line drawn over another stays visible. */
  dash?: "dash" | "dot";
  /** A CSS colour (e.g. to give two series of one condition the same colour); default: the next of the palette. */
  color?: string;
}

const errorBars = (
  s: Series,
) => (s.error ? { error_y: { type: "data", array: s.error, visible: true } } : {});

/** Plotly's line and marker style of a series with a dash or colour of its own. */
const style = (s: Series) => ({
  ...(s.dash || s.color
    ? { line: { ...(s.dash ? { dash: s.dash } : {}), ...(s.color ? { color: s.color } : {}) } }
    : {}),
  ...(s.color ? { marker: { color: s.color } } : {}),
});

/**
 * Lines (or lines with markers) of several series, optionally on a log x-axis or with whole-number x ticks. A
 * series may set its own mode, dash and colour (e.g. a formula as a dashed line under its simulated points).
 */
export function lineFigure(
  title: string,
  xTitle: string,
  yTitle: string,
  series: Series[],
  options: { logX?: boolean; markers?: boolean; wholeX?: boolean } = {},
): Figure {
  const xs = series.flatMap((s) => s.x.filter((x): x is number => typeof x === "number"));
  const span = xs.length ? Math.max(...xs) - Math.min(...xs) : 0;
  const whole = options.wholeX ? { tick0: Math.min(...xs), dtick: Math.max(1, Math.ceil(span / 12)) } : {};
  return {
    data: series.map((s) => ({
      type: "scatter",
      mode: s.mode ?? (options.markers ? "lines+markers" : "lines"),
      name: s.name,
      x: s.x,
      y: s.y,
      ...errorBars(s),
      ...style(s),
    })),
    layout: {
      title: { text: title },
      xaxis: { title: { text: xTitle }, ...(options.logX ? { type: "log" } : {}), ...whole },
      yaxis: { title: { text: yTitle } },
    },
  };
}

/** Grouped bars of several series over the same categories (`xTitle` names the categories). */
export function barFigure(title: string, yTitle: string, series: Series[], xTitle?: string): Figure {
  return {
    data: series.map((s) => ({
      type: "bar",
      name: s.name,
      x: s.x,
      y: s.y,
      ...errorBars(s),
      ...(s.color ? { marker: { color: s.color } } : {}),
    })),
    layout: {
      title: { text: title },
      yaxis: { title: { text: yTitle } },
      ...(xTitle ? { xaxis: { title: { text: xTitle } } } : {}),
      barmode: "group",
    },
  };
}

/** How often each integer 0..n-1 occurs in `values`. */
export function valueCounts(values: ArrayLike<number>, n: number): number[] {
  const counts = new Array(n).fill(0);
  for (let i = 0; i < values.length; i++) counts[values[i]]++;
  return counts;
}
