import { tf } from "../backend/tf.ts";
import { directConvProgram } from "./conv_direct.ts";
import {
  type ConvInfo,
  type ConvProduct,
  geometry,
  sumSplitsProgram,
  tiledConvProgram,
} from "./conv_programs.ts";
import { type KernelLimits, kernelLimits } from "./limits.ts";
import {
  runProgram,
  webgpuBackend,
  type WebGpuBackendInternals,
  type WebGpuProgram,
} from "./webgpu_backend.ts";

/** How the fast convolutions are computed: shared-memory tiles (GPUs), register-blocked direct loops (CPUs). */
export const CONV_STRATEGIES = ["auto", "tiled", "direct"] as const;
/** One of {@link CONV_STRATEGIES}; `auto` takes `direct` on fallback (software) adapters, `tiled` elsewhere. */
export type ConvStrategy = typeof CONV_STRATEGIES[number];

/** `s` with `auto` resolved from `backend`'s adapter: `direct` on fallback (software) adapters, else `tiled`. */
export function resolveConvStrategy(
  s: ConvStrategy,
  backend: WebGpuBackendInternals = webgpuBackend(),
): "tiled" | "direct" {
  if (s !== "auto") return s;
  const info = (backend.device as GPUDevice & { adapterInfo?: { isFallbackAdapter?: boolean } }).adapterInfo;
  return info?.isFallbackAdapter ? "direct" : "tiled";
}

type Attrs = Record<string, unknown>;
/** What tfjs passes a kernel function; the registry guarantees the op's required inputs. */
type KernelArgs = { inputs: Record<string, tf.TensorInfo>; backend: tf.KernelBackend; attrs?: Attrs };

/** The program of one convolution product as planned: see {@link planConv}. */
export interface ConvPlan {
  program: WebGpuProgram;
  /** Partial results to sum (split K of the filter gradient); 1 for none. */
  splits: number;
  /** The longest loop of an invocation: the main program's, or the sum over the splits. */
  loopIterations: number;
  /** Bytes of workgroup memory of the main program (0 for direct). */
  workgroupBytes: number;
  /** The strategy that runs (`direct` hands some products to `tiled`). */
  strategy: "tiled" | "direct";
}

/** The program(s) of one product under `strategy`, sized within `limits`. */
export function planConv(
  product: ConvProduct,
  info: ConvInfo,
  strategy: "tiled" | "direct",
  limits: KernelLimits,
): ConvPlan {
  const direct = strategy === "direct" ? directConvProgram(product, info, geometry(info), limits) : null;
  if (direct) {
    return {
      ...direct,
      loopIterations: Math.max(direct.loopIterations, direct.splits),
      workgroupBytes: 0,
      strategy,
    };
  }
  const { program, plan } = tiledConvProgram(product, info, limits);
  return {
    program,
    splits: plan.splits,
    loopIterations: Math.max(plan.loopIterations, plan.splits),
    workgroupBytes: plan.workgroupBytes,
    strategy: "tiled",
  };
}

/**
 * Runs one convolution product on the webgpu backend under `strategy`, summing split-K partials when there are
 * several.
 */
function runConv(
  backend: tf.KernelBackend,
  product: ConvProduct,
  info: ConvInfo,
  inputs: tf.TensorInfo[],
  strategy: "tiled" | "direct",
) {
  const b = webgpuBackend(backend), limits = kernelLimits(b.device);
  const { program, splits } = planConv(product, info, strategy, limits);
  const out = runProgram(b, program, inputs, limits);
  if (splits === 1) return out;
  const filterShape = [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels];
  const sum = runProgram(b, sumSplitsProgram(filterShape, splits, limits), [out], limits);
  b.disposeData(out.dataId);
  return sum;
}

const isNhwc = (format: unknown) => format === undefined || format === "NHWC" || format === "channelsLast";

/** tfjs's geometry of an NHWC convolution from the kernel's shapes and attributes. */
export function convInfo(
  xShape: number[],
  filterShape: number[],
  attrs: Attrs,
  dilations: unknown = 1,
): ConvInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number],
    dilations as [number, number],
    attrs.pad as "same",
    attrs.dimRoundingMode as "round" | undefined,
    false,
    "channelsLast",
  );
}

/** A kernel config whose function handles the cases it can and hands the rest to tfjs's own kernel. */
function withFallback(
  stock: tf.KernelConfig,
  fast: (args: KernelArgs) => tf.TensorInfo | null,
): tf.KernelConfig {
  return {
    ...stock,
    kernelFunc: ((args: KernelArgs) => fast(args) ?? stock.kernelFunc(args as never)) as tf.KernelFunc,
  };
}

/** The forward convolution under `strategy`, when it is a plain one: no fused bias or activation, NHWC float32. */
function forward(
  { inputs, backend, attrs = {} }: KernelArgs,
  strategy: "tiled" | "direct",
): tf.TensorInfo | null {
  const { x, filter } = inputs;
  const plain = !inputs.bias && !inputs.preluActivationWeights &&
    (attrs.activation === undefined || attrs.activation === "linear");
  if (!plain || !isNhwc(attrs.dataFormat) || !f32(x, filter)) return null;
  const info = convInfo(x.shape, filter.shape, attrs, attrs.dilations);
  return runConv(backend, "forward", info, [x, filter], strategy);
}

const f32 = (...ts: tf.TensorInfo[]) => ts.every((t) => t.dtype === "float32");

/**
 * The fast convolution kernels: Conv2D and FusedConv2D (without bias or activation, as DavidNet uses them),
 * Conv2DBackpropInput and Conv2DBackpropFilter, as implicit GEMMs under `strategy` (tiled or direct) for NHWC
 * float32 tensors. Other cases (NCHW, fused bias or activation, non-float32) go to tfjs's stock kernels.
 */
export function fastConvKernels(
  stock: (name: string) => tf.KernelConfig,
  strategy: "tiled" | "direct",
): tf.KernelConfig[] {
  return [
    withFallback(stock("Conv2D"), (args) => forward(args, strategy)),
    withFallback(stock("FusedConv2D"), (args) => forward(args, strategy)),
    withFallback(stock("Conv2DBackpropInput"), ({ inputs, backend, attrs = {} }) => {
      const { dy, filter } = inputs;
      if (!isNhwc(attrs.dataFormat) || !f32(dy, filter)) return null;
      const info = convInfo(attrs.inputShape as number[], filter.shape, attrs);
      return runConv(backend, "backpropInput", info, [dy, filter], strategy);
    }),
    withFallback(stock("Conv2DBackpropFilter"), ({ inputs, backend, attrs = {} }) => {
      const { x, dy } = inputs;
      if (!isNhwc(attrs.dataFormat) || !f32(x, dy)) return null;
      const info = convInfo(x.shape, attrs.filterShape as number[], attrs);
      return runConv(backend, "backpropFilter", info, [x, dy], strategy);
    }),
  ];
}
