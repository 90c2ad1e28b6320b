/**
 * The few DOM members the page uses, typed here so that the page code type-checks under the project's Deno
 * settings (no `lib="dom"`, which would clash with Deno's types in the shared test check).
 */

/** An element of index.html, with the members the page touches. */
export interface PageElement {
  textContent: string | null;
  className: string;
  value: string;
  disabled: boolean;
  hidden: boolean;
  checked: boolean;
  href: string;
  download: string;
  files: ArrayLike<File> | null;
  addEventListener(type: string, listener: () => void): void;
  click(): void;
  remove(): void;
}

interface PageDocument {
  getElementById(id: string): PageElement | null;
  createElement(tag: string): PageElement;
  body: { append(node: PageElement): void };
}

/** The page's document. */
export const page: PageDocument = (globalThis as unknown as { document: PageDocument }).document;

/** The element with `id`; throws when index.html lacks it. */
export function byId(id: string): PageElement {
  const el = page.getElementById(id);
  if (!el) throw new Error(`index.html has no #${id}`);
  return el;
}

/** Saves `bytes` as a download named `name`. */
export function download(name: string, bytes: Uint8Array | string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = page.createElement("a");
  a.href = url;
  a.download = name;
  page.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
