/** A Jupyter output as stored in an `.ipynb`. */
export interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

/** A notebook cell as stored in an `.ipynb`. */
export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  outputs?: NotebookOutput[];
  execution_count?: number | null;
}

/** The text of a notebook field stored as a string or a list of lines (a source, a stream's text, a MIME value). */
export const joinText = (
  v: string | string[] | undefined,
): string => (Array.isArray(v) ? v.join("") : v ?? "");

const isEmpty = (v: unknown): boolean =>
  v == null ||
  (typeof v === "string" || Array.isArray(v)
    ? !joinText(v as string | string[]).length
    : typeof v === "object" && Object.keys(v).length === 0);

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/;

/**
 * What is wrong with an executed notebook's outputs, one line per problem (empty when none): error cells;
 * a cell that calls `console.log` with no text output, or `Deno.jupyter.display` with no display; an empty
 * output; a plotly figure without its `image/png` rendering (what GitHub and untrusted notebooks show) or with
 * an SVG or HTML one (which the classic Notebook and nbconvert prefer to the PNG and sanitise to text); ANSI
 * escape codes.
 */
export function notebookOutputProblems(cells: readonly NotebookCell[]): string[] {
  const problems: string[] = [];
  cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const where = `cell ${i}`;
    const src = joinText(cell.source);
    const outputs = cell.outputs ?? [];
    const kinds = new Set(outputs.map((o) => o.output_type));
    if (/\bconsole\.log\(/.test(src) && !kinds.has("stream")) {
      problems.push(`${where}: console.log printed nothing`);
    }
    if (/Deno\.jupyter\.display\(/.test(src) && !kinds.has("display_data")) {
      problems.push(`${where}: Deno.jupyter.display showed nothing`);
    }
    for (const o of outputs) {
      if (o.output_type === "error") problems.push(`${where}: error ${o.ename}: ${o.evalue}`);
      if (o.output_type === "stream" && !joinText(o.text).trim()) {
        problems.push(`${where}: empty ${o.name} output`);
      }
      if (o.data) {
        if (isEmpty(o.data) || Object.values(o.data).some(isEmpty)) {
          problems.push(`${where}: empty ${o.output_type}`);
        }
        if (o.data["application/vnd.plotly.v1+json"] && !o.data["image/png"]) {
          problems.push(`${where}: a figure without its image/png rendering`);
        }
        if (o.data["application/vnd.plotly.v1+json"] && (o.data["text/html"] || o.data["image/svg+xml"])) {
          problems.push(
            `${where}: a figure with an SVG or HTML rendering (sanitised to text where untrusted)`,
          );
        }
      }
      if (ANSI.test(JSON.stringify(o).replaceAll("\\u001b", "\x1b"))) {
        problems.push(`${where}: ANSI escape codes in the output`);
      }
    }
  });
  return problems;
}
