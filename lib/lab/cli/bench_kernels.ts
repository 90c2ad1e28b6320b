import type { BackendInfo } from "../../core/backend/mod.ts";
import {
  benchBatchNorm,
  benchConvKernels,
  benchSgd,
  type KernelComparison,
  measureStep,
  type StepMeasurement,
  syntheticData,
} from "../bench/mod.ts";
import { DAVIDNET24 } from "../../core/config/mod.ts";

/** What `deno task bench --only kernels` measures. */
export interface KernelsBench {
  batch: number;
  reps: number;
  kernels: KernelComparison[];
  /** A full-width training step at `batch`, stock and fast kernels. */
  step: { stock: StepMeasurement; fast: StepMeasurement; speedup: number; dispatchRatio: number };
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toPrecision(3)).padStart(8);

function printComparisons(rows: KernelComparison[]): void {
  console.log(
    "kernel                         shape                     stock ms  fast ms  speedup  stock error",
  );
  for (const r of rows) {
    const err = r.stockError === null ? "-" : r.stockError.toExponential(1);
    console.log(
      `${r.kernel.padEnd(30)} ${r.shape.padEnd(24)} ${fmt(r.stockMs)} ${fmt(r.fastMs)} ${
        r.speedup.toFixed(2).padStart(7)
      }x ${err.padStart(11)}`,
    );
  }
}

/**
 * Times every kernel that `fast` replaces, stock against fast, at DavidNet's shapes (full width at `batch`, 1/16
 * width at batch 128: conv products, batch norm, SGD), then a full-width training step at `batch` with each mode.
 */
export async function benchKernels(backend: BackendInfo, batch: number, reps: number): Promise<KernelsBench> {
  if (backend.name !== "webgpu") {
    throw new Error(`the kernels bench needs the webgpu backend, not ${backend.name}`);
  }
  const kernels: KernelComparison[] = [];
  for (const [width, b] of [[1, batch], [1 / 16, 128]]) {
    console.log(`width ${width}, batch ${b}: convolutions, batch norm, SGD (median of ${reps})`);
    const rows = [
      ...await benchConvKernels(width, b, reps),
      ...await benchBatchNorm(width, b, reps),
      await benchSgd(width, reps),
    ].map((r) => ({ ...r, width }));
    printComparisons(rows);
    kernels.push(...rows);
  }
  console.log(`full-width training step at batch ${batch} (median of ${reps}, after a warm-up step)`);
  const data = syntheticData(batch, DAVIDNET24.augment.pad);
  try {
    const cfg = { ...DAVIDNET24, batchSize: batch };
    const stock = await measureStep(cfg, data, "stock", reps);
    const fast = await measureStep(cfg, data, "fast", reps);
    const step = {
      stock,
      fast,
      speedup: stock.seconds / fast.seconds,
      dispatchRatio: stock.dispatches! / fast.dispatches!,
    };
    for (const m of [stock, fast]) {
      console.log(`  ${m.kernels.padEnd(5)} ${m.seconds.toFixed(3)} s, ${m.dispatches} dispatches`);
    }
    console.log(
      `  fast is ${step.speedup.toFixed(2)}x faster with ${step.dispatchRatio.toFixed(2)}x fewer dispatches`,
    );
    return { batch, reps, kernels, step };
  } finally {
    data.dispose();
  }
}
