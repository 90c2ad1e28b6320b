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
