/**
 * Input whitening: a fixed first conv whose filters are the eigenvectors of the second-moment matrix of the
 * images' k x k x 3 patches, each scaled by 1 / sqrt(eigenvalue + eps), so that the whitened patches have (nearly)
 * identity covariance. Two recipes: Page's 3x3 (bag_of_tricks.ipynb: `cov`, `patches`, `eigens`,
 * `whitening_block`) and airbench's 2x2 (KellerJordan/cifar10-airbench legacy/airbench94.py: `get_patches`,
 * `get_whitening_parameters`, `init_whitening_conv`), whose filters are followed by their negations.
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { tf } from "../backend/tf.ts";

/** Side of the images whose patches are whitened (CIFAR-10). */
const SIDE = 32;

/** The input whitening of a net: none, Page's 3x3 or airbench's 2x2 (see {@link WHITENING_RECIPES}). */
export const WHITEN_CHOICES = ["none", "3x3", "2x2"] as const;
/** One of {@link WHITEN_CHOICES}. */
export type Whiten = typeof WHITEN_CHOICES[number];
/** A whitening that is on. */
export type WhiteningKind = Exclude<Whiten, "none">;

/** How one kind of whitening filters is computed from the training images. */
export interface WhiteningRecipe {
  /** Side of the square patches, and of the whitening conv's kernel. */
  kernel: 2 | 3;
  /** The conv's padding: "same" keeps 32 x 32, "valid" gives 33 - kernel. */
  padding: "same" | "valid";
  /** How many of the first training images the second moments are taken over. */
  images: number;
  /** Filters scale by 1 / sqrt(eigenvalue + eps). */
  eps: number;
  /** The second moments X^T X are divided by (patches - 1) when true, by the number of patches otherwise. */
  unbiased: boolean;
  /** Whether the filters are followed by their negations (twice the filters). */
  negated: boolean;
}

/** The two whitening recipes, each setting with its source. */
export const WHITENING_RECIPES: Readonly<Record<WhiteningKind, WhiteningRecipe>> = {
  "3x3": {
    kernel: 3, // bag_of_tricks.ipynb `patches`: patch_size=(3, 3)
    padding: "same", // `whitening_block`: nn.Conv2d(3, 27, kernel_size=(3,3), padding=(1,1), bias=False)
    images: 10000, // bag_of_tricks.ipynb: Λ, V = eigens(patches(train_set['data'][:10000,:,4:-4,4:-4]))
    eps: 1e-2, // `whitening_block(c_in, c_out, Λ=None, V=None, eps=1e-2)`: V/torch.sqrt(Λ+eps)
    unbiased: true, // bag_of_tricks.ipynb `cov`: X = X/np.sqrt(X.size(0) - 1); X.t() @ X
    negated: false, // `whitening_block`: the 27 filters alone
  },
  "2x2": {
    kernel: 2, // airbench94.py line 217: whiten_kernel_size = 2
    padding: "valid", // airbench94.py line 220: Conv(3, whiten_width, whiten_kernel_size, padding=0, bias=True)
    images: 5000, // airbench94.py line 402: train_loader.normalize(train_loader.images[:5000])
    eps: 5e-4, // airbench94.py line 253: init_whitening_conv(layer, train_set, eps=5e-4)
    unbiased: false, // airbench94.py line 249: (patches_flat.T @ patches_flat) / n
    negated: true, // airbench94.py line 257: torch.cat((eigenvectors_scaled, -eigenvectors_scaled))
  },
};

/** Length of a patch of `kind`: kernel x kernel x 3 (27 for 3x3, 12 for 2x2). */
export function patchLength(kind: WhiteningKind): number {
  return 3 * WHITENING_RECIPES[kind].kernel ** 2;
}

/** Filters (output channels) of the whitening conv of `kind`: 27 for 3x3, 2 x 12 = 24 for 2x2. */
export function whiteningWidth(kind: WhiteningKind): number {
  return patchLength(kind) * (WHITENING_RECIPES[kind].negated ? 2 : 1);
}

/** HWIO shape of the whitening filters of `kind`: [3, 3, 3, 27] or [2, 2, 3, 24]. */
export function whiteningShape(kind: WhiteningKind): [number, number, number, number] {
  const k = WHITENING_RECIPES[kind].kernel;
  return [k, k, 3, whiteningWidth(kind)];
}

/**
 * Zero filters of the right size for `whiten` (undefined for "none"): enough to build a net whose shapes and
 * parameter counts are wanted, not its outputs (the layer table, FLOP estimates).
 */
export function whiteningPlaceholder(whiten: Whiten): Float32Array | undefined {
  return whiten === "none" ? undefined : new Float32Array(whiteningShape(whiten).reduce((a, b) => a * b, 1));
}

/** Eigen-decomposition of the patches' second-moment matrix, by decreasing eigenvalue. */
export interface PatchEigens {
  /** The eigenvalues, largest first (27 for 3x3 patches, 12 for 2x2). */
  values: Float64Array;
  /** The unit eigenvectors, `vectors[k]` for `values[k]`, indexed like a patch: (dy * kernel + dx) * 3 + channel. */
  vectors: Float64Array[];
}

/** The first min(`count`, N) images as HWC float32 32x32x3, cutting a padded tensor to its centre. */
async function centreImages(images: Float32Array | tf.Tensor4D, count: number): Promise<Float32Array> {
  if (images instanceof Float32Array) {
    if (images.length === 0 || images.length % (SIDE * SIDE * 3) !== 0) {
      throw new Error(`whitening: ${images.length} floats are not a whole number of 32x32x3 images`);
    }
    return images.subarray(0, Math.min(count, images.length / (SIDE * SIDE * 3)) * SIDE * SIDE * 3);
  }
  const [n, h, w, c] = images.shape;
  if (h !== w || h < SIDE || (h - SIDE) % 2 !== 0 || c !== 3) {
    throw new Error(
      `whitening: images of shape [${images.shape}]: need [N, S, S, 3] with S = 32 + 2 x padding`,
    );
  }
  const pad = (h - SIDE) / 2;
  const crop = tf.slice(images, [0, pad, pad, 0], [Math.min(count, n), SIDE, SIDE, 3]);
  try {
    return (await crop.data()) as Float32Array;
  } finally {
    crop.dispose();
  }
}

/**
 * Offsets (dy, dx) between two pixels of a k x k patch, one of each pair d, -d: dy > 0, or dy = 0 and dx >= 0
 * (13 for 3x3 patches, 5 for 2x2).
 */
function pixelOffsets(k: number): [number, number][] {
  return Array.from({ length: k }, (_, dy) => dy).flatMap((dy) =>
    Array.from({ length: 2 * k - 1 }, (_, i) => i - (k - 1))
      .filter((dx) => dy > 0 || dx >= 0)
      .map((dx): [number, number] => [dy, dx])
  );
}

/**
 * For every offset o = (dy, dx) of `offsets` and channels c, c': the image of products
 * S[o][y][x][c][c'] = sum over images of px[y, x, c] * px[y + dy, x + dx, c'], summed over the images (float64),
 * as 2D prefix sums P[o][c][c'][y][x] over [0, y) x [0, x) (33 x 33 each), for rectangle sums.
 */
function productPrefixSums(px: Float32Array, n: number, offsets: [number, number][]): Float64Array {
  const s = new Float64Array(offsets.length * SIDE * SIDE * 9);
  for (let img = 0; img < n; img++) {
    const base = img * SIDE * SIDE * 3;
    offsets.forEach(([dy, dx], o) => {
      const x0 = Math.max(0, -dx), x1 = Math.min(SIDE, SIDE - dx);
      for (let y = 0; y < SIDE - dy; y++) {
        for (let x = x0; x < x1; x++) {
          const i = base + (y * SIDE + x) * 3, j = base + ((y + dy) * SIDE + x + dx) * 3;
          const k = ((o * SIDE + y) * SIDE + x) * 9;
          const a0 = px[i], a1 = px[i + 1], a2 = px[i + 2], b0 = px[j], b1 = px[j + 1], b2 = px[j + 2];
          s[k] += a0 * b0;
          s[k + 1] += a0 * b1;
          s[k + 2] += a0 * b2;
          s[k + 3] += a1 * b0;
          s[k + 4] += a1 * b1;
          s[k + 5] += a1 * b2;
          s[k + 6] += a2 * b0;
          s[k + 7] += a2 * b1;
          s[k + 8] += a2 * b2;
        }
      }
    });
  }
  const side = SIDE + 1, prefix = new Float64Array(offsets.length * 9 * side * side);
  for (let o = 0; o < offsets.length; o++) {
    for (let cc = 0; cc < 9; cc++) {
      const t = (o * 9 + cc) * side * side;
      for (let y = 0; y < SIDE; y++) {
        for (let x = 0; x < SIDE; x++) {
          prefix[t + (y + 1) * side + x + 1] = s[((o * SIDE + y) * SIDE + x) * 9 + cc] +
            prefix[t + y * side + x + 1] + prefix[t + (y + 1) * side + x] - prefix[t + y * side + x];
        }
      }
    }
  }
  return prefix;
}

/**
 * The k x k x 3 patches' second moments X^T X, [3k² x 3k²] (float64), from the product images: entry (a, c),
 * (b, c') sums px[q, c] * px[q + b - a, c'] over the (33 - k) x (33 - k) window of positions q = p + a. The image
 * of -d is the image of d with the channels swapped, summed over the window of b.
 */
function patchSecondMoments(px: Float32Array, n: number, k: number): Float64Array {
  const offsets = pixelOffsets(k), dim = 3 * k * k;
  const prefix = productPrefixSums(px, n, offsets), side = SIDE + 1, inner = SIDE - k + 1;
  const rect = (o: number, cc: number, y0: number, x0: number) => {
    const t = (o * 9 + cc) * side * side, [y1, x1] = [y0 + inner, x0 + inner];
    return prefix[t + y1 * side + x1] - prefix[t + y0 * side + x1] - prefix[t + y1 * side + x0] +
      prefix[t + y0 * side + x0];
  };
  const offset = (dy: number, dx: number) => offsets.findIndex(([y, x]) => y === dy && x === dx);
  const m = new Float64Array(dim * dim);
  for (let a = 0; a < k * k; a++) {
    for (let b = 0; b < k * k; b++) {
      const [dy, dx] = [Math.floor(b / k) - Math.floor(a / k), (b % k) - (a % k)];
      const forward = dy > 0 || (dy === 0 && dx >= 0);
      const o = forward ? offset(dy, dx) : offset(-dy, -dx), from = forward ? a : b;
      for (let c = 0; c < 3; c++) {
        for (let c2 = 0; c2 < 3; c2++) {
          const cc = forward ? c * 3 + c2 : c2 * 3 + c;
          m[(a * 3 + c) * dim + b * 3 + c2] = rect(o, cc, Math.floor(from / k), from % k);
        }
      }
    }
  }
  return m;
}

/**
 * Eigenvalues and eigenvectors of the second-moment matrix of the k x k x 3 patches of `kind` (every position
 * without padding: 30 x 30 for 3x3, 31 x 31 for 2x2) of the first min(`count`, N) normalised NHWC images:
 * Σ = X^T X / (n - 1) (Page) or X^T X / n (airbench) over the n patch rows X, not centred (the images are
 * normalised to mean about 0). X^T X is summed in float64 on the host, from the products of pixel pairs at the
 * distinct offsets within a patch (13 for 3x3, a third of the work of a sum of per-patch outer products); the
 * symmetric eigenproblem is solved by ml-matrix. A tensor [N, S, S, 3] with S > 32 (padded for cropping) is cut to
 * its centre 32x32, as Page cuts the padding off.
 */
export async function patchEigens(
  kind: WhiteningKind,
  images: Float32Array | tf.Tensor4D,
  count = WHITENING_RECIPES[kind].images,
): Promise<PatchEigens> {
  const { kernel, unbiased } = WHITENING_RECIPES[kind], dim = patchLength(kind);
  const px = await centreImages(images, count);
  const n = px.length / (SIDE * SIDE * 3), rows = n * (SIDE - kernel + 1) ** 2;
  const sigma = new Matrix(dim, dim);
  patchSecondMoments(px, n, kernel).forEach((v, i) =>
    sigma.set(Math.floor(i / dim), i % dim, v / (unbiased ? rows - 1 : rows))
  );
  const eig = new EigenvalueDecomposition(sigma, { assumeSymmetric: true });
  const order = eig.realEigenvalues.map((value, k) => ({ value, k })).sort((a, b) => b.value - a.value);
  const vectors = eig.eigenvectorMatrix;
  return {
    values: Float64Array.from(order, (o) => o.value),
    vectors: order.map((o) => Float64Array.from(vectors.getColumn(o.k))),
  };
}

/**
 * The whitening conv's filters of `kind` as a float32 HWIO array ({@link whiteningShape}: [3, 3, 3, 27] or
 * [2, 2, 3, 24]) from {@link patchEigens} of the first `count` of `images` (default: the recipe's 10000 or 5000):
 * filter k = eigenvector k / sqrt(eigenvalue k + eps), largest eigenvalue first, and for 2x2 then the same
 * negated (filter 12 + k = -filter k). Pass the normalised training images as NHWC floats or a tensor (padding
 * is cut off).
 */
export async function whiteningFiltersFor(
  kind: WhiteningKind,
  images: Float32Array | tf.Tensor4D,
  count = WHITENING_RECIPES[kind].images,
): Promise<Float32Array> {
  const { values, vectors } = await patchEigens(kind, images, count);
  const { eps, negated } = WHITENING_RECIPES[kind], dim = patchLength(kind), width = whiteningWidth(kind);
  const filters = new Float32Array(dim * width);
  for (let k = 0; k < dim; k++) {
    const scale = 1 / Math.sqrt(values[k] + eps);
    for (let p = 0; p < dim; p++) {
      filters[p * width + k] = vectors[k][p] * scale;
      if (negated) filters[p * width + dim + k] = -vectors[k][p] * scale;
    }
  }
  return filters;
}
