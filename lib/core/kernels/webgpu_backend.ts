import { tf } from "../backend/tf.ts";
import { assertWithinLimits, type KernelLimits, kernelLimits } from "./limits.ts";

/**
 * The parts of tfjs-backend-webgpu 4.22's `WebGPUProgram` that a custom program fills in. `getUserCode` returns
 * WGSL that defines `fn main()`; tfjs prepends the bindings (`result`, then one read-only array per name in
 * `variableNames`) and the `localId`/`localIndex`/`workgroupId`/`numWorkgroups` privates.
 */
export interface WebGpuProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  workgroupSize: [number, number, number];
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  uniforms?: string;
  size?: boolean;
  /** Components per element of each input binding (4: read as vec4<f32>); default `outputComponent`. */
  variableComponents?: number[];
  /** Components per element of the output binding `result` (default 1). */
  outputComponent?: number;
  getUserCode(): string;
}

/** One entry of a program's extra uniforms. */
export interface ProgramUniform {
  type: "int32" | "uint32" | "float32";
  data: number[];
}

interface TensorData {
  resource: GPUBuffer | null;
  values: unknown;
  refCount: number;
}

/** The internals of tfjs's `WebGPUBackend` that the kernels here use (all public JS, some private in its types). */
export interface WebGpuBackendInternals {
  device: GPUDevice;
  queue: GPUQueue;
  tensorMap: { get(dataId: tf.DataId): TensorData };
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<tf.DataId>;
  activeTimers: unknown[] | null | undefined;
  runWebGPUProgram(
    program: WebGpuProgram,
    inputs: tf.TensorInfo[],
    outputDtype: tf.DataType,
    uniforms?: ProgramUniform[],
    output?: tf.TensorInfo,
  ): tf.TensorInfo;
  uploadToGPU(dataId: tf.DataId): void;
  ensureCommandEncoderReady(): void;
  submitQueue(): void;
  makeUniforms(uniforms: ProgramUniform[]): GPUBufferBinding;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

const REQUIRED = [
  "device",
  "tensorMap",
  "runWebGPUProgram",
  "uploadToGPU",
  "ensureCommandEncoderReady",
  "submitQueue",
  "makeUniforms",
  "commandQueueOwnedIds",
] as const;

/**
 * The running webgpu backend's internals; throws when the current backend is not webgpu or when this tfjs version
 * lacks a member the kernels rely on (they are written against tfjs-backend-webgpu 4.22).
 */
export function webgpuBackend(backend: tf.KernelBackend = tf.backend()): WebGpuBackendInternals {
  const b = backend as unknown as Record<string, unknown>;
  const missing = REQUIRED.filter((k) => b[k] === undefined);
  if (missing.length) {
    throw new Error(
      `the davidnet kernels need tfjs-backend-webgpu 4.22's WebGPUBackend; this backend lacks ${
        missing.join(", ")
      }`,
    );
  }
  return backend as unknown as WebGpuBackendInternals;
}

/** The limits of the running webgpu backend's device (what the kernels size themselves by). */
export function runningLimits(): KernelLimits {
  return kernelLimits(webgpuBackend().device);
}

const bytesOf = (t: tf.TensorInfo) => t.shape.reduce((a, b) => a * b, 1) * 4;

/**
 * Runs one of davidnet's programs (float32 output) through tfjs, after checking it against the device's `limits`:
 * a program beyond them would be rejected by WebGPU only through an uncaptured error, its dispatch skipped.
 */
export function runProgram(
  backend: WebGpuBackendInternals,
  program: WebGpuProgram,
  inputs: tf.TensorInfo[],
  limits: KernelLimits,
): tf.TensorInfo {
  const output = program.outputShape.reduce((a, b) => a * b, 1) * 4;
  assertWithinLimits(program, { inputs: inputs.map(bytesOf), output }, limits);
  return backend.runWebGPUProgram(program, inputs, "float32");
}

/** Adds one dispatch of `pipeline` to the backend's current compute pass, in order with tfjs's own programs. */
export function recordDispatch(
  backend: WebGpuBackendInternals,
  pipeline: GPUComputePipeline,
  bindGroup: GPUBindGroup,
  workgroups: [number, number, number],
  uses: tf.DataId[],
): void {
  backend.ensureCommandEncoderReady();
  // tfjs releases a disposed tensor's buffer at the next submit only if its id is marked as used by the queue.
  for (const id of uses) backend.commandQueueOwnedIds.add(id);
  if (!backend.computePassEncoder) backend.computePassEncoder = backend.commandEncoder!.beginComputePass({});
  backend.computePassEncoder.setPipeline(pipeline);
  backend.computePassEncoder.setBindGroup(0, bindGroup);
  backend.computePassEncoder.dispatchWorkgroups(...workgroups);
  backend.dispatchCountInPass++;
  if (backend.dispatchCountInPass >= tf.env().getNumber("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE")) {
    backend.computePassEncoder.end();
    backend.computePassEncoder = null;
    backend.submitQueue();
  }
}

/**
 * The GPU buffer behind `t`, uploaded first if its values are still on the CPU. A tensor written in place must
 * not share its buffer: pass `exclusive` to get a private copy first when another tensor refers to the same data
 * (the variable then points at the copy). The CPU-side cache of the values is dropped, since the GPU copy is about
 * to change.
 */
export function gpuBuffer(backend: WebGpuBackendInternals, t: tf.Tensor, exclusive = false): GPUBuffer {
  if (exclusive && backend.tensorMap.get(t.dataId).refCount > 1) {
    if (!(t instanceof tf.Variable)) throw new Error("only a variable can be made exclusive");
    t.assign(tf.tidy(() => tf.mul(t, 1)));
  }
  backend.uploadToGPU(t.dataId);
  const data = backend.tensorMap.get(t.dataId);
  if (exclusive) data.values = null;
  return data.resource!;
}

/** Submits everything tfjs has recorded and waits until the device has finished it. */
export async function syncDevice(backend: WebGpuBackendInternals = webgpuBackend()): Promise<void> {
  if (backend.computePassEncoder) {
    backend.computePassEncoder.end();
    backend.computePassEncoder = null;
  }
  if (backend.commandEncoder) backend.submitQueue();
  await backend.queue.onSubmittedWorkDone();
}
