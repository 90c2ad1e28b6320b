/** The CPU facts every bench result carries, and the native backend's oneDNN choice. */
import assert from "node:assert/strict";
import { bf16Problem, cpuFeatures, featureWords } from "../../lib/core/backend/cpu.ts";
import { chooseOnednn } from "../../lib/core/backend/native.ts";

const AMD = "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx fma avx2 bmi2\n";
const SAPPHIRE =
  "model name\t: Intel(R) Xeon(R) Processor\nflags\t\t: avx2 avx512f avx512_vnni avx512_bf16 amx_bf16 amx_tile\n";

Deno.test("cpuFeatures reads AVX2, AVX-512, AVX-512 BF16 and AMX-BF16 from /proc/cpuinfo's flags", () => {
  assert.deepEqual(cpuFeatures(AMD), { avx2: true, avx512: false, avx512Bf16: false, amxBf16: false });
  assert.deepEqual(cpuFeatures(SAPPHIRE), { avx2: true, avx512: true, avx512Bf16: true, amxBf16: true });
  assert.deepEqual(cpuFeatures(""), { avx2: false, avx512: false, avx512Bf16: false, amxBf16: false });
  // A flag is a whole word: avx512_bf16 alone is not avx512f.
  assert.equal(cpuFeatures("flags : avx512_bf16\n").avx512, false);
  assert.equal(featureWords(cpuFeatures(AMD)), "AVX2, no AVX-512");
  assert.equal(featureWords(cpuFeatures(SAPPHIRE)), "AVX2, AVX-512, AVX-512 BF16, AMX-BF16");
});

/** A stand-in for Deno.env that records what is set. */
function env(initial: Record<string, string>) {
  const vars = new Map(Object.entries(initial));
  return { vars, get: (k: string) => vars.get(k), set: (k: string, v: string) => void vars.set(k, v) };
}

Deno.test("oneDNN: turned on for x86-64 when the user left TF_ENABLE_ONEDNN_OPTS unset, else theirs is kept", () => {
  const unset = env({});
  assert.deepEqual(chooseOnednn(unset, "x86_64").on, true);
  assert.equal(unset.vars.get("TF_ENABLE_ONEDNN_OPTS"), "1");
  const off = env({ TF_ENABLE_ONEDNN_OPTS: "0" });
  const offChoice = chooseOnednn(off, "x86_64");
  assert.equal(offChoice.on, false);
  assert.match(offChoice.words, /^oneDNN off \(your TF_ENABLE_ONEDNN_OPTS=0\)$/);
  assert.equal(off.vars.get("TF_ENABLE_ONEDNN_OPTS"), "0");
  assert.equal(chooseOnednn(env({ TF_ENABLE_ONEDNN_OPTS: "1" }), "x86_64").on, true);
  const arm = env({});
  assert.equal(chooseOnednn(arm, "aarch64").on, null);
  assert.equal(arm.vars.has("TF_ENABLE_ONEDNN_OPTS"), false, "TensorFlow decides off x86-64");
});

Deno.test("--precision bf16 is refused, naming the fix, off the native backend, on a CPU without bfloat16, without oneDNN", () => {
  const amd = cpuFeatures(AMD), spr = cpuFeatures(SAPPHIRE);
  assert.match(
    bf16Problem("webgpu", spr, false)!,
    /native backend's .* not webgpu's: use --backend tensorflow/,
  );
  assert.match(bf16Problem("cpu", spr, false)!, /not cpu's/);
  assert.match(
    bf16Problem("tensorflow", amd, false)!,
    /needs a CPU with bfloat16 instructions \(AVX-512 BF16 or AMX-BF16\); this one has AVX2, no AVX-512: use --precision float32/,
  );
  assert.match(bf16Problem("auto", spr, true)!, /needs oneDNN: unset TF_ENABLE_ONEDNN_OPTS=0/);
  assert.equal(bf16Problem("tensorflow", spr, false), null);
  assert.equal(bf16Problem("auto", cpuFeatures("flags : avx512f avx512_bf16\n"), false), null);
});
