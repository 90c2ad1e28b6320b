/**
 * The device limits that size every davidnet kernel: workgroup sizes, workgroup (shared) memory, dispatch counts,
 * bindings. Kernels read them from the device they run on (tfjs asks its device for the adapter's limits), never
 * assume them: SwiftShader allows 256 invocations per workgroup where lavapipe allows 1024, and a program beyond a
 * limit is a validation error that WebGPU reports only to an `uncapturederror` listener, skipping the dispatch.
 */
import type { WebGpuProgram } from "./webgpu_backend.ts";

/**
 * The most loop iterations (back-edges of all loops together) of one invocation of any davidnet kernel. Not a
 * WebGPU limit but lavapipe's: it stops a shader after 65,535 loop iterations and silently returns what it has.
 */
export const MAX_LOOP_ITERATIONS = 16384;

/** The limits the kernels depend on (WebGPU's names). */
export interface KernelLimits {
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeWorkgroupsPerDimension: number;
  maxStorageBufferBindingSize: number;
  maxStorageBuffersPerShaderStage: number;
}

/** The smallest limits WebGPU guarantees on every adapter (the spec's defaults, also what a plain device gets). */
export const MINIMUM_LIMITS: Readonly<KernelLimits> = {
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupStorageSize: 16384,
  maxComputeWorkgroupsPerDimension: 65535,
  maxStorageBufferBindingSize: 134217728,
  maxStorageBuffersPerShaderStage: 8,
};

/** The limits of `device` that the kernels use. */
export function kernelLimits(device: GPUDevice): KernelLimits {
  const l = device.limits;
  return {
    maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
    maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
  };
}

/** The most invocations of a one-dimensional workgroup: `wanted`, or fewer where the limits say so. */
export function workgroupThreads(limits: KernelLimits, wanted: number): number {
  return Math.min(wanted, limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
}

/**
 * `groups` workgroups folded into x and y (x first, up to the per-dimension limit); `name` names the kernel in the
 * error when even that is too many.
 */
export function foldDispatch(groups: number, limits: KernelLimits, name: string): [number, number, number] {
  const max = limits.maxComputeWorkgroupsPerDimension;
  const dx = Math.max(1, Math.min(groups, max)), dy = Math.ceil(groups / dx);
  if (dy > max) {
    throw new Error(
      `${name}: ${groups} workgroups exceed ${max} x ${max}, the adapter's maxComputeWorkgroupsPerDimension ` +
        "squared; use a smaller batch",
    );
  }
  return [dx, dy, 1];
}

/**
 * Throws an error naming the program, its shapes and the limit when `program` (with inputs and output of
 * `bytes`) would break one of `limits`: workgroup size, dispatch, storage bindings and their sizes. WebGPU would
 * otherwise reject it only through an uncaptured validation error and skip its dispatch.
 */
export function assertWithinLimits(
  program: WebGpuProgram,
  bytes: { inputs: number[]; output: number },
  limits: KernelLimits,
): void {
  const problems: string[] = [];
  const [x, y, z] = program.workgroupSize;
  if (x * y * z > limits.maxComputeInvocationsPerWorkgroup) {
    problems.push(`${x * y * z} invocations per workgroup > maxComputeInvocationsPerWorkgroup`);
  }
  if (x > limits.maxComputeWorkgroupSizeX) problems.push(`workgroup x ${x} > maxComputeWorkgroupSizeX`);
  const over = program.dispatch.filter((d) => d > limits.maxComputeWorkgroupsPerDimension);
  if (over.length) problems.push(`dispatch ${program.dispatch} > maxComputeWorkgroupsPerDimension`);
  if (program.variableNames.length + 1 > limits.maxStorageBuffersPerShaderStage) {
    problems.push(`${program.variableNames.length + 1} storage buffers > maxStorageBuffersPerShaderStage`);
  }
  const largest = Math.max(bytes.output, ...bytes.inputs);
  if (largest > limits.maxStorageBufferBindingSize) {
    problems.push(`a ${largest}-byte binding > maxStorageBufferBindingSize`);
  }
  if (problems.length) {
    throw new Error(
      `${program.shaderKey} (output [${program.outputShape}]) does not fit this adapter: ${
        problems.join("; ")
      } (limits ${JSON.stringify(limits)}); use a smaller batch or --kernels stock`,
    );
  }
}
