/**
 * The rule for a notebook's markdown: it explains and quotes, and holds no measured number of ours (those are
 * printed by code from the data). A percentage, a difference in points, a p-value or a ratio ("4.4x") in a
 * markdown cell must be a quotation, marked as one: on a blockquote line (`> ...`), in a paragraph that opens
 * with a bold label (`**Page.**`), or in a sentence that names its source with a label (`Page:`,
 * `Page (part 8):`, `airbench:`) or says `quoted from`. The target itself, 94%, is a goal, not a measurement,
 * and a "95% interval" is a definition. Code spans, code blocks and links are not prose.
 */

/** A percentage, a difference in points, a p-value, or a ratio written as a number and `x` or `×`. */
const NUMBER =
  /(?<![\d.])\d+(?:\.\d+)?\s?%|(?<![\w.])\d+(?:\.\d+)? points?\b|\bp\s?[=<>≤]\s?0?\.\d+|(?<![\w.])\d+(?:\.\d+)?(?:x|\s?×)(?![\w])/g;

/** A line that opens with its source as a bold label. */
const QUOTED_LINE = /^\s*\*\*(?:Page|airbench|fenwicks|Keller Jordan)\b[^*]*[.:]\*\*/;

/** A sentence that marks itself as quoting a source. */
const QUOTE =
  /(?:^|[\s(])(?:Page|airbench|Keller Jordan|fenwicks|[A-Z][a-z]+ et al\.)(?: \([^)]*\))?:|\*\*(?:Page|airbench|fenwicks)[.:]\*\*|\bquoted from\b/;

/** The project's target, a goal and not a measurement. */
const TARGET = /^94\s?%$/;

/** Definitions that read like measurements: a confidence level. */
const DEFINITION = /\b95% (?:confidence )?interval/g;

/** Markdown without what is not prose: fenced code, code spans, link targets, HTML comments. */
function prose(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/`[^`]*`/g, " ")
    .replace(/\]\([^)]*\)/g, "]")
    .replace(/<!--[\s\S]*?-->/g, " ");
}

/**
 * The measured numbers in `markdown` that are not marked quotations, each with its sentence (empty when the cell
 * keeps the rule).
 */
export function unquotedNumbers(markdown: string): { number: string; sentence: string }[] {
  const found: { number: string; sentence: string }[] = [];
  const lines = prose(markdown).split("\n").filter((l) => !/^\s*>/.test(l) && !QUOTED_LINE.test(l));
  for (const paragraph of lines.join("\n").split(/\n\s*\n/)) {
    const text = paragraph.replace(DEFINITION, " ").replace(/\s+/g, " ");
    for (const sentence of text.split(/(?<=[.!?])\s+(?=[A-Z*(])/)) {
      if (QUOTE.test(sentence)) continue;
      for (const m of sentence.matchAll(NUMBER)) {
        if (!TARGET.test(m[0])) found.push({ number: m[0], sentence: sentence.trim() });
      }
    }
  }
  return found;
}
