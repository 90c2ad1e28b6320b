/**
 * Register-blocked direct convolutions, for adapters that run shaders on the CPU (lavapipe, SwiftShader). There,
 * workgroup memory and barriers cost more than they save: each invocation instead computes 4 x RN outputs in
 * registers, reading its operands straight from the buffers as vec4 wherever the channels allow, in nested loops
 * over taps and channels (or over image rows for the filter gradient) with no index division inside them. Every
 * loop stays below {@link MAX_LOOP_ITERATIONS} iterations; the filter gradient splits its rows across invocations.
 */
import type { ConvInfo, ConvProduct } from "./conv_programs.ts";
import { foldDispatch, type KernelLimits, MAX_LOOP_ITERATIONS, workgroupThreads } from "./limits.ts";
import type { WebGpuProgram } from "./webgpu_backend.ts";

/** Invocations per workgroup, where the limits allow. */
const THREADS = 64;
/** Aim for at least this many invocations (a few per SIMD lane of every core). */
const TARGET_INVOCATIONS = 4096;

/** A planned direct program; `splits` partial results to sum for the filter gradient. */
export interface DirectPlan {
  program: WebGpuProgram;
  splits: number;
  /** Loop iterations (back-edges of all loops together) of one invocation. */
  loopIterations: number;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * The dispatch of `total` invocations in workgroups of `threads`, folded into x and y within `limits`, and the
 * linear invocation index over it.
 */
function flatDispatch(total: number, threads: number, limits: KernelLimits, name: string) {
  const dispatch = foldDispatch(Math.ceil(total / threads), limits, name);
  return {
    dispatch,
    index: `(i32(workgroupId.x) + i32(workgroupId.y) * ${dispatch[0]}) * ${threads} + i32(localIndex)`,
  };
}

/** `acc{i}_{j}` declarations: 4 rows x J vec4 columns. */
const accumulators = (J: number) =>
  range(4).flatMap((i) => range(J).map((j) => `var acc${i}_${j} = vec4<f32>(0.0);`)).join(" ");

/**
 * The start of a forward or input-gradient invocation: its channel group (RN channels from `c0`) and its 4
 * neighbouring pixels (image n, row y, columns x0..x0+3) out of `groups` per row, and zeroed accumulators.
 */
function pixelGroup(
  index: string,
  total: number,
  CG: number,
  groups: number,
  RN: number,
  J: number,
  v: { x0: string; y: string; height: string; c0: string },
): string {
  return `_ = uniforms.NAN;
    let g = ${index};
    if (g >= ${total}) { return; }
    let cg = g % ${CG}; let pg = g / ${CG};
    let row = pg / ${groups}; let ${v.x0} = (pg % ${groups}) * 4; let n = row / ${v.height}; let ${v.y} = row % ${v.height};
    let ${v.c0} = cg * ${RN};
    ${accumulators(J)}`;
}

/** out[pixel, co] for 4 neighbouring output pixels of one row and RN output channels. */
function forwardCode(c: ConvInfo, RN: number, total: number, index: string): string {
  const J = RN / 4, vecIn = c.inChannels % 4 === 0, OXG = Math.ceil(c.outWidth / 4), CG = c.outChannels / RN;
  const tap = range(4).map((i) =>
    `let ix${i} = (ox0 + ${i}) * SW + s * DW - PL; let ok${i} = ix${i} >= 0 && ix${i} < W && ox0 + ${i} < OW; ` +
    `let xb${i} = select(0, ((n * H + iy) * W + ix${i}) * CI, ok${i});`
  ).join("\n        ");
  const w = (ci: string, j: number) => `W_[((wb + ${ci}) * CO + co0) / 4 + ${j}]`;
  const inner = vecIn
    ? `for (var c4 = 0; c4 < CI / 4; c4++) {
          ${range(4).map((i) => `let a${i} = select(vec4<f32>(0.0), x[xb${i} / 4 + c4], ok${i});`).join(" ")}
          ${
      range(J).map((j) =>
        `{ let w0 = ${w("c4 * 4", j)}; let w1 = ${w("c4 * 4 + 1", j)}; let w2 = ${w("c4 * 4 + 2", j)}; ` +
        `let w3 = ${w("c4 * 4 + 3", j)}; ` +
        range(4).map((i) => `acc${i}_${j} += a${i}.x * w0 + a${i}.y * w1 + a${i}.z * w2 + a${i}.w * w3;`)
          .join(" ") +
        " }"
      ).join("\n          ")
    }
        }`
    : `for (var ci = 0; ci < CI; ci++) {
          ${range(4).map((i) => `let a${i} = select(0.0, x[xb${i} + ci], ok${i});`).join(" ")}
          ${
      range(J).map((j) =>
        `{ let wv = ${w("ci", j)}; ${range(4).map((i) => `acc${i}_${j} += a${i} * wv;`).join(" ")} }`
      )
        .join(" ")
    }
        }`;
  const stores = range(4).flatMap((i) =>
    range(J).map((j) =>
      `if (ox0 + ${i} < OW) { result[((row * OW + ox0 + ${i}) * CO + co0) / 4 + ${j}] = acc${i}_${j}; }`
    )
  ).join("\n    ");
  return `
  fn main() {
    ${pixelGroup(index, total, CG, OXG, RN, J, { x0: "ox0", y: "oy", height: "OH", c0: "co0" })}
    for (var r = 0; r < KH; r++) {
      let iy = oy * SH + r * DH - PT;
      if (iy < 0 || iy >= H) { continue; }
      for (var s = 0; s < KW; s++) {
        let wb = (r * KW + s) * CI;
        ${tap}
        ${inner}
      }
    }
    ${stores}
  }`;
}

/**
 * dx[pixel, ci] for 4 neighbouring input pixels of one row and RN input channels. With CI % 4 != 0 (the prep
 * layer's 3 colour channels) RN = 4 and channels past CI are masked.
 */
function backpropInputCode(c: ConvInfo, RN: number, total: number, index: string): string {
  const J = RN / 4, vecOut = c.outChannels % 4 === 0, IXG = Math.ceil(c.inWidth / 4);
  const CG = Math.ceil(c.inChannels / RN), masked = c.inChannels % 4 !== 0;
  const tap = range(4).map((i) =>
    `let tx${i} = ix0 + ${i} + PL - s * DW; let ox${i} = tx${i} / SW; ` +
    `let ok${i} = tx${i} >= 0 && tx${i} % SW == 0 && ox${i} < OW && ix0 + ${i} < W; ` +
    `let db${i} = select(0, ((n * OH + oy) * OW + ox${i}) * CO, ok${i});`
  ).join("\n        ");
  // Weight w[r, s, ci, co] of input channel ci0 + q: with co fastest, a vec4 over 4 output channels.
  const wIndex = (q: number, co: string) =>
    `min(((r * KW + s) * CI + ci0 + ${q}) * CO + ${co}, ${
      c.filterHeight * c.filterWidth * c.inChannels * c.outChannels - 1
    })`;
  const live = (q: number) => (masked ? `ci0 + ${q} < CI` : "true");
  const inner = vecOut
    ? `for (var c4 = 0; c4 < CO / 4; c4++) {
          ${range(4).map((i) => `let d${i} = select(vec4<f32>(0.0), dy[db${i} / 4 + c4], ok${i});`).join(" ")}
          ${
      range(J).map((j) =>
        `{ ${
          range(4).map((q) =>
            `let w${q} = select(vec4<f32>(0.0), W_[${wIndex(4 * j + q, "c4 * 4")} / 4], ${live(4 * j + q)});`
          )
            .join(" ")
        } ` +
        range(4).map((i) =>
          `acc${i}_${j} += vec4<f32>(dot(d${i}, w0), dot(d${i}, w1), dot(d${i}, w2), dot(d${i}, w3));`
        ).join(" ") + " }"
      ).join("\n          ")
    }
        }`
    : `for (var co = 0; co < CO; co++) {
          ${range(4).map((i) => `let d${i} = select(0.0, dy[db${i} + co], ok${i});`).join(" ")}
          ${
      range(J).map((j) =>
        `{ let wv = vec4<f32>(${
          range(4).map((q) => `select(0.0, W_[${wIndex(4 * j + q, "co")}], ${live(4 * j + q)})`).join(", ")
        }); ${range(4).map((i) => `acc${i}_${j} += d${i} * wv;`).join(" ")} }`
      ).join(" ")
    }
        }`;
  const stores = masked
    ? range(4).flatMap((i) =>
      range(4).map((q) =>
        `if (ix0 + ${i} < W && ${
          live(q)
        }) { result[(row * W + ix0 + ${i}) * CI + ci0 + ${q}] = acc${i}_0[${q}]; }`
      )
    ).join("\n    ")
    : range(4).flatMap((i) =>
      range(J).map((j) =>
        `if (ix0 + ${i} < W) { result[((row * W + ix0 + ${i}) * CI + ci0) / 4 + ${j}] = acc${i}_${j}; }`
      )
    ).join("\n    ");
  return `
  fn main() {
    ${pixelGroup(index, total, CG, IXG, RN, J, { x0: "ix0", y: "iy", height: "H", c0: "ci0" })}
    for (var r = 0; r < KH; r++) {
      let ty = iy + PT - r * DH;
      if (ty < 0 || ty % SH != 0 || ty / SH >= OH) { continue; }
      let oy = ty / SH;
      for (var s = 0; s < KW; s++) {
        ${tap}
        ${inner}
      }
    }
    ${stores}
  }`;
}

/** Partial dw[(r, s, ci), co] over `rows` output rows, for 4 neighbouring filter taps/channels and RN outputs. */
function backpropFilterCode(
  c: ConvInfo,
  RN: number,
  perSplit: number,
  splits: number,
  rows: number,
  index: string,
): string {
  const J = RN / 4, P = c.filterHeight * c.filterWidth * c.inChannels, CG = c.outChannels / RN;
  // With CI % 4 == 0 the 4 neighbouring p share their tap (r, s), and x is read as one vec4 over ci.
  const vecIn = c.inChannels % 4 === 0;
  const decode = range(4).map((i) =>
    `let p${i} = pg * 4 + ${i}; let r${i} = p${i} / (KW * CI); let s${i} = (p${i} / CI) % KW; let ci${i} = p${i} % CI;`
  ).join("\n    ");
  const dyLoads = range(J).map((j) => `let b${j} = dy[((row * OW + ox) * CO + co0) / 4 + ${j}];`).join(" ");
  const body = vecIn
    ? `let iy = oy * SH + r0 * DH - PT;
      if (iy < 0 || iy >= H) { continue; }
      for (var ox = 0; ox < OW; ox++) {
        let ix = ox * SW + s0 * DW - PL; let ok = ix >= 0 && ix < W;
        let a = select(vec4<f32>(0.0), x[select(0, ((n * H + iy) * W + ix) * CI + ci0, ok) / 4], ok);
        ${dyLoads}
        ${range(4).flatMap((i) => range(J).map((j) => `acc${i}_${j} += a[${i}] * b${j};`)).join(" ")}
      }`
    : `for (var ox = 0; ox < OW; ox++) {
        ${dyLoads}
        ${
      range(4).map((i) =>
        `{ let iy = oy * SH + r${i} * DH - PT; let ix = ox * SW + s${i} * DW - PL; ` +
        `let ok = p${i} < ${P} && iy >= 0 && iy < H && ix >= 0 && ix < W; ` +
        `let a = select(0.0, x[select(0, ((n * H + iy) * W + ix) * CI + ci${i}, ok)], ok); ` +
        range(J).map((j) => `acc${i}_${j} += a * b${j};`).join(" ") + " }"
      ).join("\n        ")
    }
      }`;
  const stores = range(4).flatMap((i) =>
    range(J).map((j) =>
      `if (p${i} < ${P}) { result[((split * ${P} + p${i}) * CO + co0) / 4 + ${j}] = acc${i}_${j}; }`
    )
  ).join("\n    ");
  return `
  fn main() {
    _ = uniforms.NAN;
    let flat = ${index};
    if (flat >= ${perSplit * splits}) { return; }
    let split = flat / ${perSplit}; let g = flat % ${perSplit};
    let cg = g % ${CG}; let pg = g / ${CG};
    let co0 = cg * ${RN};
    ${decode}
    ${accumulators(J)}
    for (var rr = 0; rr < ${rows}; rr++) {
      let row = split * ${rows} + rr;
      if (row >= N * OH) { break; }
      let n = row / OH; let oy = row % OH;
      ${body}
    }
    ${stores}
  }`;
}

/**
 * The direct program of one product within `limits`, or null when it needs the general tiled kernel: forward and
 * backpropFilter want output channels in multiples of 4; backpropInput takes any input channel count.
 */
export function directConvProgram(
  product: ConvProduct,
  c: ConvInfo,
  geometry: string,
  limits: KernelLimits,
): DirectPlan | null {
  const channels = product === "backpropInput" ? c.inChannels : c.outChannels;
  if (channels % 4 !== 0 && product !== "backpropInput") return null;
  const RN = channels % 8 === 0 ? 8 : 4;
  const threads = workgroupThreads(limits, THREADS);
  const key = `davidnet_direct_${product}_${geometry.replace(/[^0-9]+/g, "_")}${threads}`;
  const base = {
    workgroupSize: [threads, 1, 1] as [number, number, number],
    shaderKey: key,
    outputComponent: channels % 4 === 0 ? 4 : 1,
  };
  const layout = { x: [0], y: [1], z: [2] };
  if (product === "backpropFilter") {
    const P = c.filterHeight * c.filterWidth * c.inChannels;
    const perSplit = Math.ceil(P / 4) * (c.outChannels / RN), rowsTotal = c.batchSize * c.outHeight;
    const maxRows = Math.floor(MAX_LOOP_ITERATIONS / (c.outWidth + 2));
    // Each split writes a whole filter's partial; all of them share one binding.
    const bindable = Math.floor(limits.maxStorageBufferBindingSize / (P * c.outChannels * 4));
    const wanted = Math.min(rowsTotal, 4096, Math.ceil(TARGET_INVOCATIONS / perSplit), bindable);
    const rows = Math.ceil(rowsTotal / Math.max(wanted, Math.ceil(rowsTotal / maxRows)));
    const splits = Math.ceil(rowsTotal / rows);
    const { dispatch, index } = flatDispatch(perSplit * splits, threads, limits, key);
    return {
      splits,
      loopIterations: rows * (c.outWidth + 1) + rows,
      program: {
        ...base,
        variableNames: ["x", "dy"],
        variableComponents: [c.inChannels % 4 === 0 ? 4 : 1, 4],
        outputShape: [splits * c.filterHeight, c.filterWidth, c.inChannels, c.outChannels],
        dispatchLayout: layout,
        dispatch,
        getUserCode: () => `${geometry}\n${backpropFilterCode(c, RN, perSplit, splits, rows, index)}`,
      },
    };
  }
  const forward = product === "forward";
  const reduceVec = forward ? c.inChannels % 4 === 0 : c.outChannels % 4 === 0;
  const rowsOf = forward ? c.batchSize * c.outHeight : c.batchSize * c.inHeight;
  const total = rowsOf * Math.ceil((forward ? c.outWidth : c.inWidth) / 4) * Math.ceil(channels / RN);
  const { dispatch, index } = flatDispatch(total, threads, limits, key);
  const taps = c.filterHeight * c.filterWidth, reduce = forward ? c.inChannels : c.outChannels;
  return {
    splits: 1,
    loopIterations: taps * (reduceVec ? reduce / 4 : reduce) + taps + c.filterHeight,
    program: {
      ...base,
      variableNames: forward ? ["x", "W_"] : ["dy", "W_"],
      variableComponents: [reduceVec ? 4 : 1, forward ? 4 : reduceVec ? 4 : 1],
      outputShape: forward ? c.outShape : c.inShape,
      dispatchLayout: layout,
      dispatch,
      getUserCode: () =>
        `${geometry}\n${forward ? forwardCode(c, RN, total, index) : backpropInputCode(c, RN, total, index)}`,
    },
  };
}
