/**
 * `deno task doctor`: what davidnet will do on this machine. It names the backend and the adapter with its limits,
 * checks every fast kernel (both conv strategies) and one training step's gradients against references on the
 * adapter, times a step of each preset and estimates the preset's training time, and says whether the fast
 * kernels are safe here (else `--kernels stock`, and why). The kernel verdicts go to the cache that `deno task
 * train` reads.
 */
import { type BackendInfo, tf } from "../../core/backend/mod.ts";
import { watchWebGpuDevice } from "../../core/backend/webgpu.ts";
import {
  CHECK_BATCH,
  CHECK_CONVS,
  checkKernels,
  checksUnder,
  checkVerdict,
  type KernelCheckReport,
  resolveConvStrategy,
  runningLimits,
  uniform,
} from "../../core/kernels/mod.ts";
import type { PresetName } from "../../core/config/mod.ts";
import { formatSeconds } from "../report/mod.ts";
import { Rng } from "../../core/random/mod.ts";
import { compareNetGradients, type GradientComparison } from "./gradients.ts";
import { type KernelVerdict, saveKernelVerdict } from "./kernel_cache.ts";
import { CPU_PROBE_BATCH, FULL_STEP_BUDGET_SECONDS, type PresetTiming, timePreset } from "./timing.ts";

/** What the doctor does. */
export interface DoctorOptions {
  /** The running backend (from `initBackend`). */
  backend: BackendInfo;
  /** The presets to time (none: skip the timing). */
  presets: PresetName[];
  /** Where the report goes, line by line. */
  log: (line: string) => void;
  /** The cache folder of the kernel verdicts (default that of `deno task train`). */
  cacheDir?: string;
}

/** What the doctor found. */
export interface DoctorReport {
  /** The fast kernels' verdict under each conv strategy (empty off webgpu). */
  kernels: Partial<Record<"tiled" | "direct", KernelVerdict>>;
  /** One training step's gradients under each conv strategy (empty off webgpu). */
  gradients: GradientComparison[];
  /** The strategy `--conv auto` takes here (null off webgpu). */
  autoStrategy: "tiled" | "direct" | null;
  /** True when the fast kernels are safe with `--conv auto` (and off webgpu, where they do not run). */
  fastKernelsSafe: boolean;
  timings: PresetTiming[];
}

/** Images of the gradient check's batch. */
const GRADIENT_BATCH = 16;
/** Channel width of the gradient check's net (4 to 32 channels: every code path of the kernels). */
const GRADIENT_WIDTH = 1 / 16;
const STRATEGIES = ["tiled", "direct"] as const;

/** The WebGPU adapter and its limits, in lines (none off webgpu; `initBackend` has named the backend). */
function adapterLines(backend: BackendInfo): string[] {
  const lines: string[] = [];
  const a = backend.webgpu;
  if (!a) return lines;
  lines.push(
    `adapter: ${a.description}; vendor ${a.vendor || "-"}, architecture ${a.architecture || "-"}, ` +
      `${a.isFallback ? "a fallback (software) adapter" : "hardware"}`,
    `features: ${a.features.join(", ") || "none"}`,
  );
  const used = runningLimits();
  lines.push(
    `limits the kernels size themselves by (the device's): ${
      Object.entries(used).map(([k, v]) => `${k} ${v}`).join(", ")
    }`,
    `adapter limits: ${Object.entries(a.limits).map(([k, v]) => `${k} ${v}`).join(", ")}`,
  );
  return lines;
}

/** A uniform random batch standing in for normalised images, with random labels. */
function randomBatch(n: number) {
  const rng = new Rng(11);
  return { images: uniform(n * 32 * 32 * 3, 5), labels: Int32Array.from({ length: n }, () => rng.int(10)) };
}

/** The kernel check under both strategies, with a line per failure and per strategy. */
async function kernelCheckLines(
  options: DoctorOptions,
): Promise<{ report: KernelCheckReport; verdicts: Record<"tiled" | "direct", KernelVerdict> }> {
  const { log, backend } = options;
  log(
    `kernel check: ${CHECK_CONVS.length} convolutions x 3 products x 2 strategies, batch norm (ReLU, CELU, ` +
      `ghost groups) at their outputs, and the SGD step, against references (batch ${CHECK_BATCH})`,
  );
  const report = await checkKernels({
    strategies: STRATEGIES,
    onCheck: (c) =>
      c.passed || log(`  FAILED ${c.kernel} at ${c.shape}: ${c.worst}, relative error ${c.error}`),
  });
  const verdicts = {} as Record<"tiled" | "direct", KernelVerdict>;
  for (const s of STRATEGIES) {
    verdicts[s] = { ...checkVerdict(report, backend.adapter, s), cached: false };
    log(`  conv ${s}: ${verdicts[s].safe ? "passed" : "FAILED"} (${checksUnder(report, s).length} checks)`);
    await saveKernelVerdict(backend, s, verdicts[s], options.cacheDir);
  }
  log(`  in ${report.seconds.toFixed(1)} s`);
  return { report, verdicts };
}

/** One training step's gradients under both strategies, a line each. */
async function gradientLines(log: (line: string) => void): Promise<GradientComparison[]> {
  log(
    `gradients of one training step (smooth DavidNet at width ${GRADIENT_WIDTH}, batch ${GRADIENT_BATCH}, ` +
      "label smoothing 0.2) against the cpu backend with a float64 filter gradient:",
  );
  const got = await compareNetGradients(GRADIENT_WIDTH, randomBatch(GRADIENT_BATCH), STRATEGIES);
  for (const g of got) {
    const worst = g.errors[0];
    log(
      `  conv ${g.variant}: ${
        g.passed ? "passed" : "FAILED"
      }, ${g.errors.length} gradients, worst relative ` +
        `error ${worst.error.toExponential(2)} (${worst.name}); loss ${g.loss.toFixed(6)} (reference ` +
        `${g.referenceLoss.toFixed(6)})`,
    );
  }
  return got;
}

/** Runs the doctor on the running backend; the report goes to `options.log` and comes back. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const { backend, log } = options;
  for (const line of adapterLines(backend)) log(line);
  const report: DoctorReport = {
    kernels: {},
    gradients: [],
    autoStrategy: null,
    fastKernelsSafe: true,
    timings: [],
  };
  if (backend.name === "webgpu") {
    watchWebGpuDevice(tf.backend());
    const { verdicts } = await kernelCheckLines(options);
    report.kernels = verdicts;
    report.gradients = await gradientLines(log);
    const auto = report.autoStrategy = resolveConvStrategy("auto");
    const gradientsPass = (s: string) => report.gradients.find((g) => g.variant === s)?.passed ?? false;
    const safe = (s: "tiled" | "direct") => verdicts[s].safe && gradientsPass(s);
    report.fastKernelsSafe = safe(auto);
    const other = auto === "tiled" ? "direct" : "tiled";
    if (report.fastKernelsSafe) {
      log(
        `fast kernels: safe on this adapter (--conv auto takes ${auto} here; --conv ${other} ` +
          `${safe(other) ? "passes too" : "FAILS: " + verdicts[other].reason})`,
      );
    } else {
      const why = verdicts[auto].safe
        ? "one training step's gradients differ from the reference"
        : verdicts[auto].reason;
      log(`fast kernels: NOT safe on this adapter (--conv auto takes ${auto}): ${why}`);
      log(`use --kernels stock${safe(other) ? ` or --conv ${other}, which passes` : ""}`);
    }
  } else {
    log(`fast kernels: the WebGPU kernels do not run on ${backend.name}; nothing to check`);
  }
  if (options.presets.length) {
    const cpu = backend.name !== "webgpu" || backend.isFallbackAdapter;
    log(
      `a training step of each preset, and its whole run's training time here${
        cpu
          ? ` (on a CPU a step at the preset's batch only when a step of ${CPU_PROBE_BATCH} images, scaled, ` +
            `stays under ${FULL_STEP_BUDGET_SECONDS} s; else that step, scaled)`
          : ""
      }:`,
    );
    for (const preset of options.presets) {
      const t = await timePreset(preset, cpu);
      report.timings.push(t);
      log(
        `  ${preset.padEnd(13)} batch ${String(t.batch).padStart(4)}: ${
          t.stepSeconds.toFixed(2)
        } s per step x ` +
          `${t.steps.toLocaleString("en")} steps = ${formatSeconds(t.seconds)}` +
          (t.timedBatch < t.batch ? ` (timed: a step of ${t.timedBatch}, scaled)` : ""),
      );
    }
  }
  return report;
}
