/**
 * The browser entry of `deno task serve`: trains DavidNet with lib/core/train on the page's WebGPU, with live charts,
 * stop and continue, and the model as a download. URL parameters preset the form and can start a run at once:
 * `?preset=smoke&train=512&test=500&epochs=2&batch=128&seed=0&sync=1&compat=1&autostart=1`. `compat=1` asks for
 * a feature level "compatibility" adapter (Chromium's OpenGL ES path through ANGLE). Before its first run the page
 * checks the fast kernels against references on the adapter (as `deno task train` does once per adapter) and
 * shows the result; where they fail, it trains with tfjs's stock kernels and says why. `window.davidnet` exposes
 * the run's state to tests.
 */
import { tf } from "../../core/backend/tf.ts";
import { checkKernels, type CheckVerdict, checkVerdict } from "../../core/kernels/check.ts";
import { resolveConvStrategy } from "../../core/kernels/conv_kernels.ts";
import { type PresetName, PRESETS } from "../../core/config/presets.ts";
import { type ModelFiles, modelFromFiles, modelToFiles } from "../../core/model/artifacts.ts";
import { scheduleOf } from "../../core/config/rates.ts";
import { toDevice } from "../../core/train/device_data.ts";
import { train } from "../../core/train/trainer.ts";
import type { CheckpointSnapshot, TrainConfig, TrainResult, TrainState } from "../../core/train/types.ts";
import { drawCharts, emptyCharts } from "./charts.ts";
import { loadPageData, type PageData, pickedFiles, serverFiles } from "./data.ts";
import { byId, download } from "./dom.ts";
import { describeAdapter, isOutOfMemory, type PageAdapter, PageError, startWebGpu } from "./gpu.ts";

/** What tests read from the page (`window.davidnet`). */
interface PageState {
  status: "starting" | "ready" | "loading" | "training" | "stopped" | "done" | "error";
  error?: string;
  backend?: string;
  adapter?: PageAdapter;
  config?: TrainConfig;
  testImages?: number;
  result?: TrainResult;
  /** performance.now() (ms since navigation) at the first progress report of the first run. */
  firstProgressMs?: number;
  /** Progress reports since the last Train or Continue (with `sync=1`, the steps it took). */
  progressReports: number;
  /** `tf.getBackend()` now. */
  getBackend: () => string;
  /** The kernel check's verdict on this adapter, once it has run (before the first run). */
  kernelCheck?: CheckVerdict & { strategy: "tiled" | "direct"; seconds: number };
}

const state: PageState = { status: "starting", progressReports: 0, getBackend: () => tf.getBackend() };
(globalThis as unknown as { davidnet: PageState }).davidnet = state;

const params = new URLSearchParams(globalThis.location.search);
const FORM = ["preset", "train", "test", "epochs", "batch", "seed", "sync"] as const;
const PRESET_NAMES: PresetName[] = ["smoke", "smoke-tricks", "tricks", "davidnet24"];

let stopRequested = false;
let data: { page: PageData; key: string } | undefined;
let saved: { files: ModelFiles; optimizer: tf.NamedTensorMap; state: TrainState } | undefined;
let model: tf.LayersModel | undefined;
const charts = emptyCharts();

function setStatus(text: string): void {
  byId("status").textContent = text;
}

function showError(err: unknown): void {
  const e = isOutOfMemory(err)
    ? new PageError(
      "Out of GPU memory",
      `${(err as Error).message ?? err}\nFix: a smaller preset, batch size or number of train/test images.`,
    )
    : err;
  byId("error-title").textContent = e instanceof PageError ? e.title : "Error";
  byId("error-text").textContent = e instanceof Error ? e.message : String(e);
  byId("error").hidden = false;
  state.status = "error";
  state.error = `${byId("error-title").textContent}: ${byId("error-text").textContent}`;
  setButtons();
}

function setButtons(): void {
  const busy = state.status === "loading" || state.status === "training" || state.status === "starting";
  const gpu = state.backend === "webgpu";
  byId("start").disabled = busy || !gpu;
  byId("stop").disabled = state.status !== "training";
  byId("continue").disabled = busy || !gpu || !saved || state.status !== "stopped";
  byId("download").disabled = busy || !model;
}

function formInt(id: string): number {
  const n = Number(byId(id).value);
  if (!Number.isInteger(n) || n < 0) {
    throw new PageError("Bad setting", `${id}: ${byId(id).value} is not a count`);
  }
  return n;
}

/** The run's config: the chosen preset with the form's sizes. */
function configFromForm(): TrainConfig {
  const preset = PRESETS[byId("preset").value as PresetName];
  return {
    ...preset,
    trainSubset: formInt("train"),
    epochs: formInt("epochs"),
    batchSize: formInt("batch"),
    seed: formInt("seed"),
    syncEvery: formInt("sync") || preset.syncEvery,
  };
}

async function loadData(cfg: TrainConfig, testImages: number): Promise<PageData> {
  const picked = byId("files").files;
  const key = `${cfg.trainSubset}/${testImages}/${picked?.length ?? 0}`;
  if (data?.key === key) return data.page;
  const source = picked && picked.length > 0 ? pickedFiles(Array.from(picked)) : serverFiles(
    new URL("data/", globalThis.location.href).href,
  );
  const page = await loadPageData(source, cfg.trainSubset, testImages, (l) => setStatus(l));
  data = { page, key };
  return page;
}

async function keepSnapshot(s: CheckpointSnapshot): Promise<void> {
  const files = await modelToFiles(s.model, s.metadata);
  const optimizer: tf.NamedTensorMap = {};
  for (const [k, t] of Object.entries(s.optimizer)) optimizer[k] = tf.clone(t);
  if (saved) tf.dispose(Object.values(saved.optimizer));
  saved = { files, optimizer, state: structuredClone(s.state) };
  charts.loss = { step: s.state.losses.map((_, i) => i + 1), loss: [...s.state.losses] };
}

/**
 * The fast kernels against references on this adapter under the conv strategy `cfg` takes, once per page: the
 * same check `deno task train` runs once per adapter. Shows the verdict; returns `cfg`, or `cfg` with tfjs's stock
 * kernels when the fast ones fail here.
 */
async function withCheckedKernels(cfg: TrainConfig): Promise<TrainConfig> {
  const strategy = resolveConvStrategy(cfg.kernels.conv);
  if (state.kernelCheck?.strategy !== strategy) {
    setStatus(`checking the fast kernels (conv ${strategy}) against references on this adapter...`);
    const report = await checkKernels({ strategies: [strategy] });
    const name = state.adapter ? describeAdapter(state.adapter) : "this adapter";
    state.kernelCheck = { ...checkVerdict(report, name, strategy), strategy, seconds: report.seconds };
  }
  const check = state.kernelCheck;
  const line = byId("kernels");
  line.className = check.safe ? "" : "failed";
  line.textContent = check.safe
    ? `kernel check (${check.seconds.toFixed(1)} s): ${check.reason}`
    : `kernel check: ${check.reason}; training with tfjs's stock kernels instead`;
  return check.safe || cfg.kernels.mode === "stock"
    ? cfg
    : { ...cfg, kernels: { ...cfg.kernels, mode: "stock" } };
}

/** Trains (fresh, or continuing the kept snapshot) and updates the charts as it goes. */
async function run(resume: boolean): Promise<void> {
  byId("error").hidden = true;
  state.status = "loading";
  setButtons();
  const cfg = resume && state.config ? state.config : await withCheckedKernels(configFromForm());
  const testImages = resume && state.testImages ? state.testImages : formInt("test");
  const page = await loadData(cfg, testImages);
  state.config = cfg;
  state.testImages = testImages;
  const device = toDevice(page, cfg.trainSubset, cfg.augment.pad);
  const stepsPerEpoch = Math.floor(cfg.trainSubset / cfg.batchSize);
  const schedule = scheduleOf(cfg);
  const resumeFrom = resume && saved
    ? {
      model: (await modelFromFiles(saved.files)).model,
      optimizer: saved.optimizer,
      metadata: {},
      state: saved.state,
    }
    : undefined;
  if (!resume) Object.assign(charts, emptyCharts());
  stopRequested = false;
  state.progressReports = 0;
  state.status = "training";
  setButtons();
  setStatus("compiling shaders (one warm-up step)...");
  try {
    model?.dispose();
    const out = await train(cfg, device, {
      metadata: { stats: page.stats, config: cfg, trainedIn: "browser", testImages },
      resume: resumeFrom,
      checkpoint: keepSnapshot,
      shouldStop: () => stopRequested,
      onProgress: (p) => {
        state.firstProgressMs ??= performance.now();
        state.progressReports += 1;
        const step = p.epoch * stepsPerEpoch + p.step;
        charts.loss.step.push(step);
        charts.loss.loss.push(p.loss);
        charts.lrs = Array.from({ length: step }, (_, i) => schedule((i + 1) / stepsPerEpoch));
        charts.rate.step.push(step);
        charts.rate.imagesPerSecond.push(p.imagesPerSecond);
        drawCharts(charts);
        setStatus(
          `epoch ${p.epoch + 1}/${p.epochs}, step ${p.step}/${p.stepsPerEpoch}: loss ${p.loss.toFixed(4)}, ` +
            `${p.imagesPerSecond.toFixed(0)} images/s, about ${p.etaSeconds.toFixed(0)} s left`,
        );
      },
      onEpoch: (m) => {
        charts.epochs.push(m);
        drawCharts(charts);
      },
    });
    model = out.model;
    state.result = out.result;
    charts.epochs = out.result.metrics;
    charts.loss = { step: out.result.losses.map((_, i) => i + 1), loss: out.result.losses };
    drawCharts(charts);
    state.status = out.result.status === "interrupted" ? "stopped" : "done";
    setStatus(summary(out.result, cfg, testImages));
    if (out.result.status === "diverged") {
      throw new PageError(
        "Training diverged",
        `the loss became ${out.result.divergedAt?.loss} at step ` +
          `${out.result.divergedAt?.step}; try a lower learning rate preset`,
      );
    }
  } finally {
    device.dispose();
    setButtons();
  }
}

function summary(r: TrainResult, cfg: TrainConfig, testImages: number): string {
  const steps = r.losses.length;
  const acc = r.finalTestAcc === null ? "" : `, test accuracy ${(100 * r.finalTestAcc).toFixed(2)}% on the ` +
    `first ${testImages} test images (TTA ${cfg.tta})`;
  return `${r.status}: ${steps} steps in ${r.trainSeconds.toFixed(1)} s of training ` +
    `(+${r.compileSeconds.toFixed(1)} s compiling), last loss ${r.losses.at(-1)?.toFixed(4)}${acc}`;
}

async function modelDownload(): Promise<ModelFiles> {
  if (!model || !state.config) throw new PageError("No model", "train first");
  const files = await modelToFiles(model, {
    stats: data?.page.stats,
    config: state.config,
    trainedIn: "browser",
    testImages: state.testImages,
  });
  return files;
}

function guard(action: () => Promise<void>): () => void {
  return () => {
    action().catch(showError);
  };
}

function initForm(): void {
  const preset = params.get("preset");
  byId("preset").value = preset && (PRESET_NAMES as string[]).includes(preset) ? preset : "smoke";
  const fill = () => {
    const cfg = PRESETS[byId("preset").value as PresetName];
    byId("train").value = String(cfg.trainSubset);
    byId("test").value = "10000";
    byId("epochs").value = String(cfg.epochs);
    byId("batch").value = String(cfg.batchSize);
    byId("seed").value = String(cfg.seed);
    byId("sync").value = String(cfg.syncEvery);
  };
  fill();
  for (const id of FORM) {
    const v = params.get(id);
    if (v !== null && id !== "preset") byId(id).value = v;
  }
  byId("compat").checked = params.get("compat") === "1";
  byId("preset").addEventListener("change", fill);
  byId("compat").addEventListener("change", () => {
    params.set("compat", byId("compat").checked ? "1" : "0");
    globalThis.location.search = params.toString();
  });
  byId("start").addEventListener("click", guard(() => run(false)));
  byId("continue").addEventListener("click", guard(() => run(true)));
  byId("stop").addEventListener("click", () => {
    stopRequested = true;
    setStatus("stopping after this step...");
  });
  byId("download").addEventListener(
    "click",
    guard(async () => {
      const files = await modelDownload();
      download("model.json", JSON.stringify(files.json), "application/json");
      download("weights.bin", files.weights, "application/octet-stream");
    }),
  );
}

async function main(): Promise<void> {
  initForm();
  setButtons();
  const adapter = await startWebGpu(
    params.get("compat") === "1",
    (m) => showError(new PageError("WebGPU error", m)),
  );
  state.adapter = adapter;
  state.backend = tf.getBackend();
  byId("adapter").textContent = `tfjs ${tf.version.tfjs} on ${state.backend}: ${describeAdapter(adapter)}`;
  state.status = "ready";
  setStatus("ready: press Train");
  setButtons();
  drawCharts(charts);
  if (params.get("autostart") === "1") await run(false);
}

main().catch(showError);
