import { tf } from "../../core/backend/mod.ts";
import { syncDevice } from "../../core/kernels/mod.ts";
import { median } from "../../core/stats/mod.ts";

/** How a time was taken: GPU timestamp queries around each program, or the wall clock around a synchronised run. */
export type TimingMethod = "timestamp" | "wall";

/**
 * Waits until the backend has finished the work queued so far: the WebGPU queue; the native and cpu backends run
 * each op to completion before returning, so there is nothing to wait for.
 */
export async function settleDevice(): Promise<void> {
  if (tf.getBackend() === "webgpu") await syncDevice();
}

/** True when the webgpu device can time programs with timestamp queries. */
export function hasTimestamps(): boolean {
  const b = tf.backend() as unknown as { device?: GPUDevice };
  return Boolean(b.device?.features.has("timestamp-query"));
}

/**
 * Milliseconds that `f`'s device work takes: the sum of tfjs's per-program timestamp queries where the adapter has
 * them (`f`'s raw dispatches outside tfjs's programs are then not counted, so pass `wallOnly` for those), else the
 * wall clock from a synchronised start to a synchronised end.
 */
export async function timeOnDevice(
  f: () => void,
  wallOnly = false,
): Promise<{ ms: number; method: TimingMethod }> {
  if (hasTimestamps() && !wallOnly) {
    const t = await tf.time(f);
    if (typeof t.kernelMs === "number") return { ms: t.kernelMs, method: "timestamp" };
  }
  await settleDevice();
  const t0 = performance.now();
  f();
  await settleDevice();
  return { ms: performance.now() - t0, method: "wall" };
}

/**
 * The median of `reps` timings of `f`, after one untimed run (shader compilation); timed with timestamps when
 * every rep was, else called "wall".
 */
export async function medianTime(
  f: () => void,
  reps: number,
  wallOnly = false,
): Promise<{ ms: number; method: TimingMethod }> {
  f();
  await settleDevice();
  const times: { ms: number; method: TimingMethod }[] = [];
  for (let i = 0; i < reps; i++) times.push(await timeOnDevice(f, wallOnly));
  const method = times.every((t) => t.method === "timestamp") ? "timestamp" : "wall";
  return { ms: median(times.map((t) => t.ms)), method };
}

/** Runs `f` and counts the compute dispatches it records for the device queue (tfjs's programs and raw ones). */
export async function countDispatches(f: () => void): Promise<number> {
  const proto = GPUComputePassEncoder.prototype;
  const original = proto.dispatchWorkgroups;
  let count = 0;
  proto.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...args: [number, number?, number?]) {
    count++;
    return original.apply(this, args);
  };
  try {
    await syncDevice();
    f();
    await syncDevice();
  } finally {
    proto.dispatchWorkgroups = original;
  }
  return count;
}
