import { tf } from "./tf.ts";
import { type AdapterInfo, probeWebGpu } from "./webgpu.ts";

/** Backends a user can ask for; `auto` picks the best available. */
export const BACKEND_CHOICES = ["auto", "webgpu", "tensorflow", "cpu"] as const;
/** One of {@link BACKEND_CHOICES}. */
export type BackendChoice = typeof BACKEND_CHOICES[number];

/** The backend that runs, with the adapter it runs on, in words. */
export interface BackendInfo {
  name: "webgpu" | "tensorflow" | "cpu";
  adapter: string;
  isFallbackAdapter: boolean;
  webgpu?: AdapterInfo;
}

const TFJS_NODE_PACKAGES = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"];

async function localPackageExists(name: string): Promise<boolean> {
  try {
    await Deno.stat(`node_modules/${name}/package.json`);
    return true;
  } catch {
    return false;
  }
}

/** Imports tfjs-node(-gpu), which registers the `tensorflow` backend; throws with the fix when it cannot. */
async function importTfjsNode(onlyLocal: boolean): Promise<string> {
  const reasons: string[] = [];
  for (const name of TFJS_NODE_PACKAGES) {
    if (onlyLocal && !(await localPackageExists(name))) continue;
    try {
      const spec = `npm:${name}@${tf.version.tfjs}`;
      await import(spec);
      return name;
    } catch (err) {
      reasons.push(`${name}: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  throw new Error(
    `the tensorflow backend needs @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node with its native library ` +
      `(${
        reasons.join("; ") || "neither is installed in node_modules"
      }). Fix: install one where its install step ` +
      "can download libtensorflow, or use --backend webgpu",
  );
}

async function useWebGpu(): Promise<BackendInfo> {
  const adapter = await probeWebGpu();
  if (!adapter) {
    const flag = "gpu" in navigator
      ? ""
      : " Deno runs without --unstable-webgpu (deno task train passes it);";
    throw new Error(
      `no WebGPU adapter.${flag} install a GPU driver, or Debian's mesa-vulkan-drivers for the slow software ` +
        "adapter, or use --backend cpu",
    );
  }
  if (!(await tf.setBackend("webgpu"))) {
    throw new Error("tfjs could not start its webgpu backend on " + adapter.description);
  }
  return {
    name: "webgpu",
    adapter: adapter.description,
    isFallbackAdapter: adapter.isFallback,
    webgpu: adapter,
  };
}

async function useTensorflow(onlyLocal: boolean): Promise<BackendInfo> {
  const pkg = await importTfjsNode(onlyLocal);
  if (!(await tf.setBackend("tensorflow"))) {
    throw new Error(`${pkg} loaded but the tensorflow backend did not start`);
  }
  return { name: "tensorflow", adapter: pkg, isFallbackAdapter: false };
}

async function useCpu(): Promise<BackendInfo> {
  await tf.setBackend("cpu");
  return { name: "cpu", adapter: "tfjs cpu (JavaScript)", isFallbackAdapter: false };
}

/**
 * Starts the chosen tfjs backend. `auto` takes WebGPU when an adapter exists, then tfjs-node(-gpu) when it is
 * installed in node_modules, then cpu; every step it skips is reported through `log`, with its reason.
 */
export async function initBackend(
  choice: BackendChoice,
  log: (line: string) => void = console.error,
): Promise<BackendInfo> {
  let info: BackendInfo;
  if (choice === "webgpu") info = await useWebGpu();
  else if (choice === "tensorflow") info = await useTensorflow(false);
  else if (choice === "cpu") info = await useCpu();
  else {
    const attempts: Array<() => Promise<BackendInfo>> = [useWebGpu, () => useTensorflow(true), useCpu];
    let picked: BackendInfo | undefined;
    for (const attempt of attempts) {
      try {
        picked = await attempt();
        break;
      } catch (err) {
        log(`auto backend: skipping, ${(err as Error).message}`);
      }
    }
    info = picked!;
  }
  await tf.ready();
  log(describeBackend(info));
  if (info.isFallbackAdapter) {
    log(
      `warning: ${info.adapter} is a fallback (software) adapter: correct but very slow; fine for tests only`,
    );
  }
  return info;
}

/** One line naming the backend and adapter, as every command prints it. */
export function describeBackend(info: BackendInfo): string {
  return `backend: ${info.name} on ${info.adapter}${info.isFallbackAdapter ? " (fallback adapter)" : ""}`;
}
