/**
 * Choosing and starting the tfjs backend (WebGPU, tfjs-node, cpu) and describing the adapter it runs on.
 * Row 0 of lib/'s layout (README, Layout): imports no other folder of lib/.
 */
export { tf } from "./tf.ts";
export { type AdapterInfo, probeWebGpu } from "./webgpu.ts";
export {
  BACKEND_CHOICES,
  type BackendChoice,
  type BackendInfo,
  describeBackend,
  initBackend,
} from "./init.ts";
