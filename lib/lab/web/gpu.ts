/**
 * WebGPU in the page: picks the adapter (optionally a `featureLevel: "compatibility"` one, which is how Chromium
 * reaches an OpenGL ES driver such as Mesa's through ANGLE), hands its device to tfjs's webgpu backend, and checks
 * that tfjs really runs on it (tfjs silently falls back to webgl otherwise).
 */
import { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import { tf } from "../../core/backend/tf.ts";

/** The adapter the page trains on, in words. */
export interface PageAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  featureLevel: "core" | "compatibility";
}

/** How to turn WebGPU on, per browser, for the "no WebGPU" error. */
export const ENABLE_WEBGPU_HELP = [
  "Chrome and Edge 113 or later: on by default on Windows, macOS and ChromeOS; on Linux open " +
  "chrome://flags/#enable-unsafe-webgpu (and chrome://flags/#enable-vulkan), enable it and restart.",
  "Firefox: version 141+ on Windows; elsewhere Firefox Nightly with dom.webgpu.enabled = true in about:config.",
  "Safari: Safari Technology Preview (or Safari 26+), Develop > Feature Flags > WebGPU.",
  "The page must come from http://127.0.0.1 or https (a secure context); `deno task serve` does that.",
].join("\n");

/** A failure that the page shows as its own panel with a title (no WebGPU, data missing, out of memory). */
export class PageError extends Error {
  /** `title` heads the panel; the message holds the details and the fix. */
  constructor(readonly title: string, message: string) {
    super(message);
    this.name = "PageError";
  }
}

type Gpu = {
  requestAdapter(options?: Record<string, unknown>): Promise<GPUAdapter | null>;
};

/**
 * Requests the adapter (`compat`: feature level "compatibility"), gives tfjs's webgpu backend its device with the
 * limits tfjs asks for, and starts it. Throws a {@link PageError} with the fix when there is no WebGPU, and when tfjs
 * does not end up on webgpu. `onDeviceError` hears the device's uncaptured errors (out of memory among them) and its loss.
 */
export async function startWebGpu(
  compat: boolean,
  onDeviceError: (message: string) => void,
): Promise<PageAdapter> {
  const gpu = (globalThis.navigator as { gpu?: Gpu } | undefined)?.gpu;
  if (!gpu) {
    throw new PageError("This browser has no WebGPU", `navigator.gpu is missing.\n${ENABLE_WEBGPU_HELP}`);
  }
  const featureLevel = compat ? "compatibility" : "core";
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance", featureLevel });
  if (!adapter) {
    throw new PageError(
      "No WebGPU adapter",
      `navigator.gpu.requestAdapter({featureLevel: "${featureLevel}"}) returned null: WebGPU is present but ` +
        `disabled or blocklisted for this GPU.\n${ENABLE_WEBGPU_HELP}`,
    );
  }
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures: adapter.features.has("timestamp-query") ? ["timestamp-query"] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
    },
  });
  device.addEventListener(
    "uncapturederror",
    (e) => onDeviceError((e as GPUUncapturedErrorEvent).error.message),
  );
  device.lost.then((lost) => onDeviceError(`GPU device lost (${lost.reason}): ${lost.message}`));
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  if (tf.findBackendFactory("webgpu")) tf.removeBackend("webgpu");
  tf.registerBackend("webgpu", () => new WebGPUBackend(device, info), 3);
  if (!(await tf.setBackend("webgpu")) || tf.getBackend() !== "webgpu") {
    throw new PageError(
      "tfjs did not start on WebGPU",
      `tfjs runs on ${tf.getBackend()} instead of webgpu (it falls back silently); this page trains on WebGPU ` +
        `only.\n${ENABLE_WEBGPU_HELP}`,
    );
  }
  await tf.ready();
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter: Boolean(info.isFallbackAdapter),
    featureLevel,
  };
}

/** One line naming the adapter, as the page shows it. */
export function describeAdapter(a: PageAdapter): string {
  const name = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(" / ") ||
    "an adapter whose name the browser hides";
  return `${name}${
    a.isFallbackAdapter ? " (fallback adapter: software, slow)" : ""
  }, feature level ${a.featureLevel}`;
}

/** True when `err` is WebGPU or tfjs running out of GPU memory. */
export function isOutOfMemory(err: unknown): boolean {
  return /out of memory|OOM|allocation failed|GPUOutOfMemoryError|exceeds the max/i.test(String(err));
}
