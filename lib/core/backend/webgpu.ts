import { loadNativeBeforeWebGpu } from "./native.ts";

/** What Deno's WebGPU reports about an adapter. */
export interface AdapterInfo {
  description: string;
  vendor: string;
  architecture: string;
  isFallback: boolean;
  features: string[];
  limits: Record<string, number>;
}

/** Software rasterisers that WebGPU exposes as adapters; they work, but slowly. */
const SOFTWARE = /llvmpipe|lavapipe|swiftshader|software/i;

/**
 * Asks Deno's WebGPU for the high-performance adapter; returns null when Deno runs without `--unstable-webgpu`
 * or no adapter exists (no GPU driver, no lavapipe). Loads the native backend first when it is installed (see
 * {@link loadNativeBeforeWebGpu}).
 */
export async function probeWebGpu(): Promise<AdapterInfo | null> {
  await loadNativeBeforeWebGpu();
  // Mesa's Vulkan drivers complain on stderr when this is unset; a private temp folder is what they want.
  if (!Deno.env.get("XDG_RUNTIME_DIR")) {
    Deno.env.set("XDG_RUNTIME_DIR", await Deno.makeTempDir({ prefix: "xdg-" }));
  }
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) return null;
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const description = info.description || info.device || info.vendor || "unknown adapter";
  const limits: Record<string, number> = {};
  for (const key in adapter.limits) {
    const v = (adapter.limits as unknown as Record<string, unknown>)[key];
    if (typeof v === "number") limits[key] = v;
  }
  return {
    description,
    vendor: info.vendor,
    architecture: info.architecture,
    isFallback:
      Boolean(info.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter) ||
      SOFTWARE.test(description),
    features: [...adapter.features].map(String).sort(),
    limits,
  };
}

/** The parts of tfjs-backend-webgpu's backend that the device watch uses. */
interface WatchedBackend {
  device: GPUDevice;
  runWebGPUProgram(program: ProgramShape, inputs: { shape: number[] }[], ...rest: unknown[]): unknown;
  getBufferData(buffer: GPUBuffer): Promise<ArrayBuffer>;
}

/** What the watch reads of a tfjs WebGPU program. */
interface ProgramShape {
  shaderKey: string;
  outputShape: number[];
  workgroupSize: number[];
  dispatch: number[];
}

/** An uncaptured WebGPU error or the loss of the device, with the programs that ran just before it. */
export class WebGpuFailure extends Error {
  /**
   * `kind`: the error's type ("validation error", "out-of-memory error", ...) or "device lost (reason)";
   * `programs`: the program that caused it when known, else the most recent ones (latest first), each with its
   * input and output shapes.
   */
  constructor(readonly kind: string, detail: string, readonly programs: string[]) {
    super(
      `WebGPU ${kind}: ${detail.trim() || "(no message)"}\n  ${
        programs.length ? "while running (latest first)" : "no program had run"
      }:` + programs.map((p) => `\n    ${p}`).join(""),
    );
    this.name = "WebGpuFailure";
  }
}

/** A watch over one device; `stop` ends it (a loss after that is expected, e.g. a deliberate destroy). */
export interface WebGpuWatch {
  stop(): void;
}

const RECENT_PROGRAMS = 8;
/** How long a failed readback waits to learn whether the device was lost. */
const LOSS_WAIT_MS = 1000;
const watches = new WeakMap<GPUDevice, WebGpuWatch>();

/** One line naming a program, its input and output shapes, its workgroup size and dispatch. */
function describeProgram(p: ProgramShape, inputs: { shape: number[] }[]): string {
  const shapes = inputs.map((t) => `[${t.shape}]`).join(", ");
  return `${p.shaderKey}: ${shapes} -> [${p.outputShape}], workgroup [${p.workgroupSize}], dispatch [${p.dispatch}]`;
}

/** "validation error", "out-of-memory error" or "internal error" for a GPUError. */
const errorKind = (e: GPUError) =>
  e.constructor.name.replace(/^GPU/, "").replace(/Error$/, "").replace("OutOfMemory", "out-of-memory")
    .toLowerCase() + " error";

/**
 * Makes every failure of the running tfjs webgpu backend's device loud. WebGPU reports a program that breaks a
 * validation rule or a limit, or runs out of memory, only to an `uncapturederror` listener and skips the work (Deno
 * drops such errors when nobody listens: results come back as zeros and the process exits 0), and a lost device
 * makes later work no-ops and readbacks fail with a bare "validation error occurred". The watch names the program:
 * it wraps tfjs's `runWebGPUProgram` to keep the last few programs with their shapes, runs each program's first
 * run inside error scopes to catch its own errors, and turns a failed readback on a lost device into the loss.
 * The first failure goes to `onFailure` as a {@link WebGpuFailure} (a failed readback throws it to its caller as
 * well); the default throws it from the event, which ends a Deno process with exit status 1 and the message (and
 * fails a test). Watching a device twice returns the first watch.
 */
export function watchWebGpuDevice(
  backend: unknown,
  onFailure: (failure: WebGpuFailure) => void = (failure) => {
    throw failure;
  },
): WebGpuWatch {
  const b = backend as WatchedBackend;
  if (!b.device || typeof b.runWebGPUProgram !== "function" || typeof b.getBufferData !== "function") {
    throw new Error(
      "watchWebGpuDevice needs tfjs's webgpu backend (tf.backend() after tf.setBackend('webgpu'))",
    );
  }
  const existing = watches.get(b.device);
  if (existing) return existing;
  const device = b.device, recent: string[] = [], compiled = new Set<string>();
  let active = true, lost: GPUDeviceLostInfo | undefined;
  const latest = () => [...recent].reverse();
  /** The first failure only: what follows a failure (a loss's failed readbacks, say) is its consequence. */
  const report = (failure: WebGpuFailure) => {
    if (!active) return;
    active = false;
    onFailure(failure);
  };
  /** A failed device call explained: the loss when the device turns out lost, else the error itself. */
  const explain = async (err: Error, kind: string, programs: string[]) => {
    await Promise.race([device.lost, new Promise((ok) => setTimeout(ok, LOSS_WAIT_MS))]);
    return lost
      ? new WebGpuFailure(`device lost (${lost.reason})`, lost.message || err.message, latest())
      : new WebGpuFailure(kind, err.message, programs);
  };
  const run = b.runWebGPUProgram, read = b.getBufferData;
  b.runWebGPUProgram = function (program, inputs, ...rest) {
    const line = describeProgram(program, inputs);
    recent.push(line);
    if (recent.length > RECENT_PROGRAMS) recent.shift();
    if (compiled.has(program.shaderKey)) return run.call(this, program, inputs, ...rest);
    compiled.add(program.shaderKey);
    const scopes: GPUErrorFilter[] = ["validation", "out-of-memory", "internal"];
    for (const s of scopes) device.pushErrorScope(s);
    try {
      return run.call(this, program, inputs, ...rest);
    } finally {
      for (const _ of scopes) {
        device.popErrorScope().then(
          (e) => e && report(new WebGpuFailure(errorKind(e), e.message, [line])),
          async (err) => report(await explain(err, "error scope failed", [line])),
        );
      }
    }
  };
  b.getBufferData = async function (buffer) {
    try {
      return await read.call(this, buffer);
    } catch (err) {
      const failure = await explain(err as Error, "readback failed", latest());
      report(failure);
      throw failure;
    }
  };
  const onError = (e: Event) => {
    const error = (e as GPUUncapturedErrorEvent).error;
    report(new WebGpuFailure(errorKind(error), error.message, latest()));
  };
  device.addEventListener("uncapturederror", onError);
  device.lost.then((info) => {
    lost = info;
    report(new WebGpuFailure(`device lost (${info.reason})`, info.message, latest()));
  });
  const watch = {
    stop() {
      active = false;
      b.runWebGPUProgram = run;
      b.getBufferData = read;
      device.removeEventListener("uncapturederror", onError);
      watches.delete(device);
    },
  };
  watches.set(device, watch);
  return watch;
}
