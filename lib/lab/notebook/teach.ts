/**
 * The teaching module: what every notebook imports as `nb` beside the core's `dn` (lib/core/mod.ts). The scale a
 * notebook runs at and its provenance line, figures and tables, the run folder's history, and others' published
 * numbers (Page's timings, airbench's notes, the index of Page's posts), quoted as theirs. A notebook that goes
 * deeper imports the folder of the concept it teaches (`lib/core/shards`, `lib/lab/ablate`, ...) or its own
 * helpers beside this file, by name, so that its import lines say where each mechanism lives.
 */
export { atScale, type NotebookScale, notebookScale, provenance, SCALES } from "./scale.ts";
export {
  accuracyFigure,
  barFigure,
  formatSeconds,
  lineFigure,
  lossFigure,
  lrFigure,
  machineInfo,
  metricsRows,
  showFigure,
  showImages,
  showMarkdown,
  showRows,
  valueCounts,
} from "../report/mod.ts";
export { readRunHistory, summaryRows } from "../run/mod.ts";
export {
  PAGE_EARLY_TIMINGS,
  PAGE_PIPELINE_SECONDS,
  PAGE_TRICK_TIMINGS,
  type PageTiming,
  pageTimingRows,
} from "./page_results.ts";
export { AFTER_PAGE_NOTES, type AfterPageNote, afterPageNote } from "./after_page.ts";
export { indexedNotebooks, type IndexEntry, indexMarkdown, PAGE_INDEX } from "./page_index.ts";
