import { type CpuFeatures, cpuFeatures, tf } from "../../core/backend/mod.ts";

/** The machine and software a measurement was taken on. */
export interface MachineInfo {
  cpu: string;
  /** The CPU's vector and matrix units (all false where /proc/cpuinfo is missing). */
  cpuFeatures: CpuFeatures;
  cores: number;
  memoryGiB: number;
  os: string;
  deno: string;
  tfjs: string;
}

/** Describes this machine: CPU model and features, cores, memory, OS, Deno and tfjs versions. */
export async function machineInfo(): Promise<MachineInfo> {
  let cpu = "unknown CPU", text = "";
  try {
    text = await Deno.readTextFile("/proc/cpuinfo");
    cpu = /^model name\s*:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? cpu;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return {
    cpu,
    cpuFeatures: cpuFeatures(text),
    cores: navigator.hardwareConcurrency,
    memoryGiB: Math.round(Deno.systemMemoryInfo().total / 2 ** 30),
    os: `${Deno.build.os} ${Deno.osRelease()} ${Deno.build.arch}`,
    deno: Deno.version.deno,
    tfjs: tf.version.tfjs,
  };
}

/** A file-name-safe slug of `text` (for `bench/results/<date>-<slug>.json`). */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60);
}
