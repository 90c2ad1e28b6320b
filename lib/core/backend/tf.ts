/**
 * The one place that imports TensorFlow.js. Importing the WebGPU backend only registers it; it is chosen by
 * {@link initBackend}.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";

export { tf };
