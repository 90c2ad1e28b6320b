import { tf } from "../backend/tf.ts";
import { foldDispatch, kernelLimits, workgroupThreads } from "./limits.ts";
import { gpuBuffer, recordDispatch, webgpuBackend } from "./webgpu_backend.ts";

/**
 * One parameter's SGD step in place, PyTorch's form: g = grad + wd * w; v = mu * v + g;
 * w -= lr * (nesterov ? g + mu * v : v). Reads w, v and grad once and writes w and v once.
 */
const shader = (threads: number) => `
struct Hyper { lr: f32, momentum: f32, weightDecay: f32, nesterov: f32 }
@group(0) @binding(0) var<storage, read_write> w: array<f32>;
@group(0) @binding(1) var<storage, read_write> v: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<uniform> h: Hyper;

@compute @workgroup_size(${threads})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = id.x + id.y * groups.x * ${threads}u;
  if (i >= arrayLength(&w)) { return; }
  let grad = g[i] + h.weightDecay * w[i];
  let vel = h.momentum * v[i] + grad;
  v[i] = vel;
  w[i] = w[i] - h.lr * select(vel, grad + h.momentum * vel, h.nesterov != 0.0);
}`;

const pipelines = new WeakMap<GPUDevice, { pipeline: GPUComputePipeline; threads: number }>();

/** The update's pipeline on `device`, its workgroup size from the device's limits. */
function pipeline(device: GPUDevice): { pipeline: GPUComputePipeline; threads: number } {
  let p = pipelines.get(device);
  if (!p) {
    const threads = workgroupThreads(kernelLimits(device), 256), label = `davidnet_sgd_update_${threads}`;
    const module = device.createShaderModule({ code: shader(threads), label });
    p = {
      pipeline: device.createComputePipeline({
        layout: "auto",
        label,
        compute: { module, entryPoint: "main" },
      }),
      threads,
    };
    pipelines.set(device, p);
  }
  return p;
}

/** Hyperparameters of one fused update. */
export interface SgdHyper {
  lr: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
}

/**
 * Updates `weight` and `velocity` in place from `grad` with one dispatch on the webgpu backend (instead of about
 * six elementwise kernels and two new tensors per parameter).
 */
export function fusedSgdUpdate(
  weight: tf.Variable,
  velocity: tf.Variable,
  grad: tf.Tensor,
  h: SgdHyper,
): void {
  const b = webgpuBackend();
  const n = weight.size;
  if (velocity.size !== n || grad.size !== n) throw new Error(`SGD update of ${weight.name}: sizes differ`);
  const binding = (t: tf.Tensor, exclusive: boolean) => ({ buffer: gpuBuffer(b, t, exclusive), size: n * 4 });
  const uniforms = b.makeUniforms([
    { type: "float32", data: [h.lr, h.momentum, h.weightDecay, h.nesterov ? 1 : 0] },
  ]);
  const { pipeline: p, threads } = pipeline(b.device);
  const bindGroup = b.device.createBindGroup({
    layout: p.getBindGroupLayout(0),
    entries: [binding(weight, true), binding(velocity, true), binding(grad, false), uniforms].map((
      resource,
      i,
    ) => ({ binding: i, resource })),
  });
  const dispatch = foldDispatch(
    Math.ceil(n / threads),
    kernelLimits(b.device),
    `SGD update of ${weight.name}`,
  );
  recordDispatch(b, p, bindGroup, dispatch, [
    weight.dataId,
    velocity.dataId,
    grad.dataId,
  ]);
}
