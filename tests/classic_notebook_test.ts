import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { listNotebooks, type NotebookCell } from "../lib/lab/notebook/mod.ts";
import { openChromium, SCREENSHOT_DIR } from "../lib/lab/web/chromium.ts";
import { tempDir } from "./helpers.ts";

/** Starts the classic Notebook (Debian `jupyter-notebook`) on `dir` and returns its address once it listens. */
async function classicNotebook(dir: string): Promise<{ url: string } & AsyncDisposable> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = new Deno.Command("jupyter-notebook", {
    args: [
      "--no-browser",
      "--allow-root",
      `--port=${port}`,
      "--NotebookApp.token=",
      "--NotebookApp.password=",
    ],
    cwd: dir,
    env: { JUPYTER_DATA_DIR: join(dir, ".jupyter-data") }, // a fresh trust database: every notebook untrusted
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let log = "";
  while (!/is running at:\s*\n?.*http:\/\/\S+:(\d+)\//.test(log)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`jupyter-notebook exited:\n${log}`);
    log += value;
  }
  const actual = /http:\/\/\S+:(\d+)\//.exec(log)![1];
  (async () => {
    while (!(await reader.read()).done);
  })();
  return {
    url: `http://127.0.0.1:${actual}`,
    [Symbol.asyncDispose]: async () => {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

Deno.test("the committed notebooks show every figure in an untrusted classic Notebook (as PNG)", async () => {
  await using tmp = await tempDir();
  const figures: Record<string, number> = {};
  for (const path of await listNotebooks()) {
    const cells = JSON.parse(await Deno.readTextFile(path)).cells as NotebookCell[];
    figures[basename(path)] = cells.flatMap((c) => c.outputs ?? [])
      .filter((o) => o.data?.["application/vnd.plotly.v1+json"]).length;
    await Deno.copyFile(path, join(tmp.path, basename(path)));
  }
  await using server = await classicNotebook(tmp.path);
  await using chrome = await openChromium();
  const { page } = chrome;
  for (const [name, count] of Object.entries(figures)) {
    await page.goto(`${server.url}/notebooks/${name}`);
    await page.waitForFunction("window.Jupyter?.notebook?.get_cells?.().length > 0");
    assert.equal(await page.evaluate("Jupyter.notebook.trusted"), false, `${name} opens untrusted`);
    const shown = await page.evaluate(`document.querySelectorAll(".output_png img").length`) as number;
    const text = await page.evaluate(`document.querySelector("#notebook-container").innerText`) as string;
    assert.ok(shown >= count, `${name}: ${shown} PNG images shown for ${count} figures`);
    assert.doesNotMatch(text, /\[plot\]/, `${name}: a figure fell back to its text`);
    if (name.startsWith("05")) {
      await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, "classic-notebook-05.png") });
    }
  }
});
