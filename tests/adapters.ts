/**
 * The two software Vulkan drivers the kernel and gradient tests run on: the default one (Mesa's lavapipe, from
 * `mesa-vulkan-drivers`) and SwiftShader's, which Debian's `chromium` package ships with its ICD file. Vulkan's
 * loader takes the driver that `VK_ICD_FILENAMES` names. tests/swiftshader_test.ts runs the kernel and gradient
 * test files on SwiftShader with the variables below set.
 */

/** SwiftShader's Vulkan ICD file as Debian's chromium installs it. */
export const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

/** Env of a test run on another adapter: a pattern its adapter's name must match, and which shapes to test. */
export const ADAPTER_ENV = "DAVIDNET_TEST_ADAPTER", SHAPES_ENV = "DAVIDNET_TEST_SHAPES";

/** The adapter this run must be on (a case-insensitive pattern), when a parent test asked for one. */
export function expectedAdapter(): RegExp | undefined {
  const want = Deno.env.get(ADAPTER_ENV);
  return want ? new RegExp(want, "i") : undefined;
}

/**
 * Which shapes the kernel and gradient tests take: `all` (default: every DavidNet layer shape at the sizes the
 * suite tests) or `paths` (only the kernel check's shapes, which take every code path; for the slower adapter).
 */
export function testShapes(): "all" | "paths" {
  const v = Deno.env.get(SHAPES_ENV) ?? "all";
  if (v !== "all" && v !== "paths") throw new Error(`${SHAPES_ENV}=${v}: expected all or paths`);
  return v;
}
