/**
 * Input whitening (Page, bag_of_tricks.ipynb: `cov`, `patches`, `eigens`, `whitening_block`): the fixed first
 * conv whose 27 filters are the eigenvectors of the second-moment matrix of the images' 3x3x3 patches, each
 * scaled by 1 / sqrt(eigenvalue + eps), so that the whitened patches have (nearly) identity covariance.
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { tf } from "../backend/tf.ts";

/** Side of the images whose patches are whitened (CIFAR-10). */
const SIDE = 32;
/** Length of a 3x3x3 patch, and the number of whitening filters. */
export const PATCH_DIM = 27;
/** Page's eps: filters scale by 1 / sqrt(eigenvalue + eps). */
export const WHITENING_EPS = 1e-2;

/** Eigen-decomposition of the patches' second-moment matrix, by decreasing eigenvalue. */
export interface PatchEigens {
  /** The 27 eigenvalues, largest first. */
  values: Float64Array;
  /** The unit eigenvectors, `vectors[k]` for `values[k]`, indexed like a patch: (dy * 3 + dx) * 3 + channel. */
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

/** Offsets (dy, dx) between two pixels of a 3x3 patch, one of each pair d, -d: dy > 0, or dy = 0 and dx >= 0. */
const OFFSETS: [number, number][] = [0, 1, 2].flatMap((dy) =>
  [-2, -1, 0, 1, 2].filter((dx) => dy > 0 || dx >= 0).map((dx): [number, number] => [dy, dx])
);

/**
 * For every offset o = (dy, dx) of {@link OFFSETS} and channels c, c': the image of products
 * S[o][y][x][c][c'] = sum over images of px[y, x, c] * px[y + dy, x + dx, c'], summed over the images (float64),
 * as 2D prefix sums P[o][c][c'][y][x] over [0, y) x [0, x) (33 x 33 each), for rectangle sums.
 */
function productPrefixSums(px: Float32Array, n: number): Float64Array {
  const s = new Float64Array(OFFSETS.length * SIDE * SIDE * 9);
  for (let img = 0; img < n; img++) {
    const base = img * SIDE * SIDE * 3;
    OFFSETS.forEach(([dy, dx], o) => {
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
  const side = SIDE + 1, prefix = new Float64Array(OFFSETS.length * 9 * side * side);
  for (let o = 0; o < OFFSETS.length; o++) {
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
 * The patches' second moments X^T X, [27 x 27] (float64), from the product images: entry (a, c), (b, c') sums
 * px[q, c] * px[q + b - a, c'] over the 30 x 30 window of positions q = p + a. The image of -d is the image of d
 * with the channels swapped, summed over the window of b.
 */
function patchSecondMoments(px: Float32Array, n: number): Float64Array {
  const prefix = productPrefixSums(px, n), side = SIDE + 1, inner = SIDE - 2;
  const rect = (o: number, cc: number, y0: number, x0: number) => {
    const t = (o * 9 + cc) * side * side, [y1, x1] = [y0 + inner, x0 + inner];
    return prefix[t + y1 * side + x1] - prefix[t + y0 * side + x1] - prefix[t + y1 * side + x0] +
      prefix[t + y0 * side + x0];
  };
  const offset = (dy: number, dx: number) => OFFSETS.findIndex(([y, x]) => y === dy && x === dx);
  const m = new Float64Array(PATCH_DIM * PATCH_DIM);
  for (let a = 0; a < 9; a++) {
    for (let b = 0; b < 9; b++) {
      const [dy, dx] = [Math.floor(b / 3) - Math.floor(a / 3), (b % 3) - (a % 3)];
      const forward = dy > 0 || (dy === 0 && dx >= 0);
      const o = forward ? offset(dy, dx) : offset(-dy, -dx), from = forward ? a : b;
      for (let c = 0; c < 3; c++) {
        for (let c2 = 0; c2 < 3; c2++) {
          const cc = forward ? c * 3 + c2 : c2 * 3 + c;
          m[(a * 3 + c) * PATCH_DIM + b * 3 + c2] = rect(o, cc, Math.floor(from / 3), from % 3);
        }
      }
    }
  }
  return m;
}

/**
 * Eigenvalues and eigenvectors of Page's `cov` of the 3x3x3 patches (every 30 x 30 position, no padding) of the
 * first min(`count`, N) normalised NHWC images: Σ = X^T X / (n - 1) over the n patch rows X, not centred (the
 * images are normalised to mean about 0, and the whitening conv has no bias). X^T X is summed in float64 on the
 * host, from the products of pixel pairs at the 13 distinct offsets within a patch (a third of the work of a sum
 * of per-patch outer products); the symmetric 27x27 eigenproblem is solved by ml-matrix. A tensor [N, S, S, 3]
 * with S > 32 (padded for cropping) is cut to its centre 32x32, as Page cuts the padding off.
 */
export async function patchEigens(images: Float32Array | tf.Tensor4D, count = 10000): Promise<PatchEigens> {
  const px = await centreImages(images, count);
  const n = px.length / (SIDE * SIDE * 3), rows = n * (SIDE - 2) ** 2;
  const sigma = new Matrix(PATCH_DIM, PATCH_DIM);
  patchSecondMoments(px, n).forEach((v, i) =>
    sigma.set(Math.floor(i / PATCH_DIM), i % PATCH_DIM, v / (rows - 1))
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
 * The whitening conv's filters as a float32 HWIO [3, 3, 3, 27] array (filter k = eigenvector k / sqrt(eigenvalue
 * k + eps), largest eigenvalue first), Page's `whitening_block`, from {@link patchEigens} of `images`: pass the
 * first 10000 normalised training images (Page's choice) as NHWC floats or a tensor (padding is cut off).
 */
export async function whiteningFilters(
  images: Float32Array | tf.Tensor4D,
  count = 10000,
  eps = WHITENING_EPS,
): Promise<Float32Array> {
  const { values, vectors } = await patchEigens(images, count);
  const filters = new Float32Array(PATCH_DIM * PATCH_DIM);
  for (let k = 0; k < PATCH_DIM; k++) {
    const scale = 1 / Math.sqrt(values[k] + eps);
    for (let p = 0; p < PATCH_DIM; p++) filters[p * PATCH_DIM + k] = vectors[k][p] * scale;
  }
  return filters;
}
