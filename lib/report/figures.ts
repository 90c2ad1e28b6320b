import type { EpochMetrics } from "../train/mod.ts";

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
      yaxis: { title: { text: "loss" } },
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
      xaxis: { title: { text: "epoch" } },
      yaxis: { title: { text: "accuracy" }, range: [0, 1] },
      shapes: [{
        type: "line",
        xref: "paper",
        x0: 0,
        x1: 1,
        y0: 0.94,
        y1: 0.94,
        line: { dash: "dot", color: "gray" },
      }],
    },
  };
}

/** Learning rate per step. */
export function lrFigure(lrs: number[]): Figure {
  return {
    data: [{ type: "scatter", mode: "lines", name: "lr", x: steps(lrs.length), y: lrs }],
    layout: {
      title: { text: "Learning rate" },
      xaxis: { title: { text: "step" } },
      yaxis: { title: { text: "lr" } },
    },
  };
}
