import type { EpochMetrics, Progress } from "../../core/train/mod.ts";
import { formatSeconds } from "./metrics.ts";

/** The live progress line: epoch, step, images/s, loss, ETA. */
export function progressLine(p: Progress): string {
  return `epoch ${p.epoch + 1}/${p.epochs} step ${p.step}/${p.stepsPerEpoch} | ${
    p.imagesPerSecond.toFixed(1)
  } img/s | ` +
    `loss ${p.loss.toFixed(4)} | ETA ${formatSeconds(p.etaSeconds)}`;
}

/** The line printed after each epoch. */
export function epochLine(m: EpochMetrics, epochs: number): string {
  const test = m.testAcc === null ? "" : ` test acc ${m.testAcc.toFixed(4)}`;
  return `epoch ${m.epoch}/${epochs} lr ${m.lr.toFixed(4)} loss ${m.trainLoss.toFixed(4)} train acc ` +
    `${m.trainAcc.toFixed(4)}${test} | ${m.epochSeconds.toFixed(1)}s (train total ${
      m.totalSeconds.toFixed(1)
    }s)`;
}

/**
 * Prints progress: on a terminal, one line rewritten in place at every sync point; otherwise (logs, CI) plain
 * lines, one per epoch.
 */
export function progressPrinter(epochs: number, isTerminal = Deno.stdout.isTerminal()) {
  const enc = new TextEncoder();
  return {
    onProgress(p: Progress): void {
      if (isTerminal) Deno.stdout.writeSync(enc.encode(`\r${progressLine(p)}\x1b[K`));
    },
    onEpoch(m: EpochMetrics): void {
      if (isTerminal) Deno.stdout.writeSync(enc.encode("\r\x1b[K"));
      console.log(epochLine(m, epochs));
    },
  };
}
