import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The committed benchmark results (`bench/results/`). */
export const BENCH_RESULTS_DIR: string = fileURLToPath(new URL("../../../bench/results/", import.meta.url));

/** One committed benchmark result: what ran, when, and on which adapter. */
export interface BenchResultInfo {
  file: string;
  date: string;
  command: string;
  /** The WebGPU adapter's description, or "" for a result that used none (e.g. the data bench). */
  adapter: string;
  /** True for a real GPU; false for software adapters (lavapipe/llvmpipe, SwiftShader) and CPU-only results. */
  gpu: boolean;
}

const SOFTWARE = /llvmpipe|lavapipe|swiftshader|software|cpu/i;

/** Reads every JSON in `dir` (sorted by name) as a {@link BenchResultInfo}. */
export async function benchResults(dir = BENCH_RESULTS_DIR): Promise<BenchResultInfo[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.isFile && e.name.endsWith(".json")) names.push(e.name);
  const out: BenchResultInfo[] = [];
  for (const file of names.sort()) {
    const d = JSON.parse(await Deno.readTextFile(join(dir, file)));
    const adapter = String(d.adapter ?? d.backend?.adapter ?? "");
    const fallback = Boolean(d.backend?.isFallbackAdapter);
    out.push({
      file,
      date: String(d.date ?? "").slice(0, 10),
      command: String(d.command ?? ""),
      adapter,
      gpu: adapter !== "" && !fallback && !SOFTWARE.test(adapter),
    });
  }
  return out;
}

/**
 * The notebooks' full-scale statement: the GPU results whose command matches `match`, named with adapter and
 * date, or a sentence saying that none exists (and what the committed results ran on).
 */
export async function fullScaleEvidence(match: RegExp, dir = BENCH_RESULTS_DIR): Promise<string> {
  const all = await benchResults(dir);
  const gpu = all.filter((r) => r.gpu && match.test(r.command));
  if (gpu.length) {
    return gpu.map((r) => `full scale: ${r.file} (\`${r.command}\`, ${r.adapter}, ${r.date})`).join("\n");
  }
  const adapters = [...new Set(all.map((r) => r.adapter || "CPU only"))].join(", ");
  return `full scale: no GPU run in bench/results/ yet (its ${all.length} results ran on ${adapters}); ` +
    `the numbers at full scale in this notebook are Page's, quoted from his posts, not measured here.`;
}
