/**
 * Choosing and starting the tfjs backend (WebGPU, tfjs-node, cpu) and describing the adapter it runs on.
 * Row 0 of lib/'s layout (README, Layout): imports no other folder of lib/.
 */
export { tf } from "./tf.ts";
export { type AdapterInfo, probeWebGpu } from "./webgpu.ts";
export {
  bf16Problem,
  type CpuFeatures,
  cpuFeatures,
  featureWords,
  type Precision,
  PRECISIONS,
  readCpuFeatures,
} from "./cpu.ts";
export {
  BACKEND_CHOICES,
  type BackendChoice,
  type BackendInfo,
  describeBackend,
  initBackend,
  PrecisionError,
} from "./init.ts";
