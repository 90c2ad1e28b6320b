/**
 * The page's live plotly charts (plotly.js-dist, loaded by index.html from the server as the global `Plotly`):
 * loss per step, accuracy per epoch, learning rate per step, images/s per sync point.
 */
import type { EpochMetrics } from "../../core/train/types.ts";

interface Plotly {
  react(
    div: string,
    data: unknown[],
    layout: Record<string, unknown>,
    config?: Record<string, unknown>,
  ): void;
}

const plotly = (): Plotly => (globalThis as unknown as { Plotly: Plotly }).Plotly;

/** Everything the charts show; the page appends to it and calls {@link drawCharts}. */
export interface ChartData {
  /** Loss by global step (1-based): every step once an epoch is checkpointed, the sync points before. */
  loss: { step: number[]; loss: number[] };
  /** Learning rate of steps 1, 2, ... */
  lrs: number[];
  /** Images/s at each sync point, by step. */
  rate: { step: number[]; imagesPerSecond: number[] };
  epochs: EpochMetrics[];
}

/** Empty chart data. */
export function emptyCharts(): ChartData {
  return { loss: { step: [], loss: [] }, lrs: [], rate: { step: [], imagesPerSecond: [] }, epochs: [] };
}

let revision = 0;

const layout = (title: string, x: string, y: string) => ({
  title: { text: title },
  datarevision: revision,
  margin: { l: 55, r: 10, t: 40, b: 40 },
  xaxis: { title: { text: x }, autorange: true },
  yaxis: { title: { text: y }, autorange: true },
  showlegend: true,
  legend: { orientation: "h", y: -0.25 },
});

const steps = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/**
 * Draws (or redraws) the four charts into #chart-loss, #chart-acc, #chart-lr and #chart-rate. Plotly.react
 * redraws only arrays it has not seen, so every trace gets copies.
 */
export function drawCharts(d: ChartData): void {
  revision++;
  const p = plotly(), config = { responsive: true, displaylogo: false };
  p.react("chart-loss", [{ x: [...d.loss.step], y: [...d.loss.loss], name: "train loss", mode: "lines" }], {
    ...layout("Loss", "step", "loss"),
  }, config);
  const epochs = d.epochs.map((m) => m.epoch);
  const tested = d.epochs.filter((m) => m.testAcc !== null);
  p.react(
    "chart-acc",
    [
      { x: epochs, y: d.epochs.map((m) => 100 * m.trainAcc), name: "train", mode: "lines+markers" },
      {
        x: tested.map((m) => m.epoch),
        y: tested.map((m) => 100 * m.testAcc!),
        name: "test",
        mode: "lines+markers",
      },
    ],
    { ...layout("Accuracy", "epoch", "%"), xaxis: { title: { text: "epoch" }, dtick: 1, autorange: true } },
    config,
  );
  p.react("chart-lr", [{ x: steps(d.lrs.length), y: [...d.lrs], name: "learning rate", mode: "lines" }], {
    ...layout("Learning rate", "step", "lr"),
  }, config);
  p.react(
    "chart-rate",
    [{
      x: d.rate.step,
      y: d.rate.imagesPerSecond,
      name: "images/s (epoch so far)",
      mode: "lines+markers",
    }],
    layout("Throughput", "step", "images/s"),
    config,
  );
}
