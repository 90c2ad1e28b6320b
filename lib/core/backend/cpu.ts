/**
 * What a CPU offers a float32 or bfloat16 kernel, read from /proc/cpuinfo: the facts every bench result names,
 * and what `--precision bf16` needs.
 */
/** The vector and matrix units a float32 or bfloat16 figure depends on, from /proc/cpuinfo's flags. */
export interface CpuFeatures {
  avx2: boolean;
  /** AVX-512 Foundation (Intel Xeon of this kind; not the AMD EPYC ones). */
  avx512: boolean;
  /** AVX-512 BF16: bfloat16 dot products in the vector units. */
  avx512Bf16: boolean;
  /** AMX with bfloat16 tiles (Sapphire Rapids and later). */
  amxBf16: boolean;
}

/** Reads {@link CpuFeatures} from the text of /proc/cpuinfo (its first `flags` line). */
export function cpuFeatures(cpuinfo: string): CpuFeatures {
  const flags = new Set((/^flags\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? "").split(/\s+/));
  return {
    avx2: flags.has("avx2"),
    avx512: flags.has("avx512f"),
    avx512Bf16: flags.has("avx512_bf16"),
    amxBf16: flags.has("amx_bf16"),
  };
}

/** The features in words, e.g. "AVX2, no AVX-512", for a line beside a figure. */
export function featureWords(f: CpuFeatures): string {
  const has = (on: boolean, name: string) => (on ? name : `no ${name}`);
  const words = [has(f.avx2, "AVX2"), has(f.avx512, "AVX-512")];
  if (f.avx512) words.push(has(f.avx512Bf16, "AVX-512 BF16"), has(f.amxBf16, "AMX-BF16"));
  return words.join(", ");
}

/** This machine's {@link CpuFeatures} (all false where /proc/cpuinfo does not exist). */
export function readCpuFeatures(): CpuFeatures {
  try {
    return cpuFeatures(Deno.readTextFileSync("/proc/cpuinfo"));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return cpuFeatures("");
    throw err;
  }
}

/** Arithmetic of the native backend's convolutions and matmuls: float32, or bfloat16 inside oneDNN's kernels. */
export const PRECISIONS = ["float32", "bf16"] as const;
/** One of {@link PRECISIONS}. */
export type Precision = typeof PRECISIONS[number];

/**
 * Why `--precision bf16` cannot run with this backend choice, CPU and oneDNN setting, or null when it can. bf16 is
 * oneDNN's floating-point math mode (TensorFlow reads TF_SET_ONEDNN_FPMATH_MODE=BF16: float32 tensors, bfloat16
 * products inside the convolution and matmul kernels), so it needs the native backend, oneDNN on, and a CPU with
 * bfloat16 instructions (AVX-512 BF16 or AMX-BF16); elsewhere oneDNN would emulate it slowly or ignore it.
 */
export function bf16Problem(choice: string, cpu: CpuFeatures, onednnOff: boolean): string | null {
  if (choice === "webgpu" || choice === "cpu") {
    return `--precision bf16 is the native backend's (oneDNN's bfloat16 math), not ${choice}'s: use --backend ` +
      "tensorflow, or --precision float32";
  }
  if (!cpu.avx512Bf16 && !cpu.amxBf16) {
    return `--precision bf16 needs a CPU with bfloat16 instructions (AVX-512 BF16 or AMX-BF16); this one has ` +
      `${featureWords(cpu)}: use --precision float32`;
  }
  if (onednnOff) {
    return "--precision bf16 needs oneDNN: unset TF_ENABLE_ONEDNN_OPTS=0, or use --precision float32";
  }
  return null;
}
