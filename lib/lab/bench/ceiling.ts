import { tf } from "../../core/backend/mod.ts";
import { Rng } from "../../core/random/mod.ts";
import { median } from "../../core/stats/mod.ts";

/** One kernel that measures the backend's sustained float32 rate. */
export interface CeilingKernel {
  /** What ran, e.g. "matmul 2048x2048x2048". */
  name: string;
  /** Floating-point operations of one call (a multiply-add counts 2). */
  flops: number;
  /** Median seconds of one call over the reps (after one untimed call). */
  seconds: number;
  /** flops / seconds. */
  flopsPerSecond: number;
}

/** The machine's float32 ceiling on the running backend: the faster of a large matmul and a large 3x3 conv. */
export interface Ceiling {
  kernels: CeilingKernel[];
  /** The largest sustained rate of {@link kernels}, FLOP/s. */
  flopsPerSecond: number;
}

/** Median seconds of `reps` synchronised calls of `run` after one untimed call. */
async function timeCalls(run: () => tf.Tensor, reps: number): Promise<number> {
  const once = async () => {
    const t0 = performance.now();
    const out = run();
    await out.data();
    out.dispose();
    return (performance.now() - t0) / 1000;
  };
  await once();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) times.push(await once());
  return median(times);
}

/**
 * Measures the running backend's float32 ceiling: a square matmul of side `matmul` and a 3x3 "same" convolution
 * of `conv` = [batch, side, channels in, channels out] (NHWC; by default airbench's second layer at batch 256),
 * each the median of `reps` calls. These are the two kinds of op a training step spends ~90% of its time in
 * (README, the profiles), at sizes large enough to keep every core busy; a recipe's FLOP rate over this rate is
 * the share of the machine it uses.
 */
export async function measureCeiling(
  reps = 5,
  matmul = 2048,
  conv: readonly [number, number, number, number] = [256, 16, 256, 256],
): Promise<Ceiling> {
  const rng = new Rng(0, 0xce1);
  const random = (shape: number[]) =>
    tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() - 0.5), shape);
  const [n, side, cin, cout] = conv;
  const a = random([matmul, matmul]), b = random([matmul, matmul]);
  const x = random([n, side, side, cin]) as tf.Tensor4D, f = random([3, 3, cin, cout]) as tf.Tensor4D;
  try {
    const kernels: CeilingKernel[] = [];
    const add = (name: string, flops: number, seconds: number) =>
      kernels.push({ name, flops, seconds, flopsPerSecond: flops / seconds });
    add(
      `matmul ${matmul}x${matmul}x${matmul}`,
      2 * matmul ** 3,
      await timeCalls(() => tf.matMul(a, b), reps),
    );
    add(
      `conv 3x3 ${n}x${side}x${side}x${cin} -> ${cout}`,
      2 * n * side * side * cin * cout * 9,
      await timeCalls(() => tf.conv2d(x, f, 1, "same"), reps),
    );
    return { kernels, flopsPerSecond: Math.max(...kernels.map((k) => k.flopsPerSecond)) };
  } finally {
    tf.dispose([a, b, x, f]);
  }
}
