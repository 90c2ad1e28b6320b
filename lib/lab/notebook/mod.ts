/**
 * The notebooks' workshop: running and checking the notebooks (`deno task notebooks`, the tests; the rule that
 * their markdown holds no measured number of ours, `prose.ts`), the scale they
 * run at, the teaching module `teach.ts` (what every notebook imports as `nb`) and the helpers of single notebooks
 * beside it (`hyper.ts`: parts 5-6's arithmetic; `analysis.ts`, `lr_sweep.ts`, `residual.ts`: parts 4 and 7's
 * measurements of the nets; `spec_table.ts`: part 4's architectures; `timing_words.ts`: notebook 11's sentences).
 * Row 8 of lib/'s layout (README, Layout): imports backend, bench, config, io, model, random, report, run.
 */
export { atScale, type NotebookScale, notebookScale, provenance, SCALES } from "./scale.ts";
export {
  codeCells,
  executeNotebook,
  type ExecuteOptions,
  installDenoKernel,
  listNotebooks,
  NOTEBOOK_DIR,
  notebookToHtml,
  typeCheckNotebooks,
} from "./run.ts";
export { joinText, type NotebookCell, type NotebookOutput, notebookOutputProblems } from "./check.ts";
export { unquotedNumbers } from "./prose.ts";
