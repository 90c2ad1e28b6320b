import { type ChannelMoments, channelMoments } from "./analysis.ts";

/** The two inputs of one residual block's sum at a batch: the shortcut x and the branch f(f(x)). */
export interface ResidualScale {
  /** The block (`layer1` for `layer1_add`). */
  block: string;
  shortcut: string;
  branch: string;
  /** Root mean square of the shortcut's and the branch's outputs over images, pixels and channels. */
  shortcutRms: number;
  branchRms: number;
  /** branchRms / shortcutRms: 1 when the branch is as large as the shortcut, near 0 when the block is near x. */
  ratio: number;
}

/** Root mean square of a layer's output from its per-channel moments: sqrt(mean over channels of mean² + variance). */
export function rmsOfMoments(m: ChannelMoments): number {
  let s = 0;
  for (let c = 0; c < m.mean.length; c++) s += m.mean[c] ** 2 + m.variance[c];
  return Math.sqrt(s / m.mean.length);
}

/**
 * For every residual block of a net built by `buildNet` (each `<block>_add` layer, whose inputs are the
 * shortcut and then the branch): how large the branch's output is against the shortcut's on the batch `x`, in one
 * forward pass with batch norm in training mode ({@link channelMoments}). At initialisation this says whether a
 * block starts close to the identity (a small branch) or not.
 */
export async function residualScales(
  model: Parameters<typeof channelMoments>[0],
  x: Parameters<typeof channelMoments>[1],
): Promise<ResidualScale[]> {
  const adds = model.layers.filter((l) => /_add$/.test(l.name));
  const pairs = adds.map((l) => l.inboundNodes[0].inboundLayers.map((i) => i.name));
  const moments = await channelMoments(model, x, pairs.flat());
  return adds.map((l, i) => {
    const [shortcutRms, branchRms] = [rmsOfMoments(moments[2 * i]), rmsOfMoments(moments[2 * i + 1])];
    return {
      block: l.name.replace(/_add$/, ""),
      shortcut: pairs[i][0],
      branch: pairs[i][1],
      shortcutRms,
      branchRms,
      ratio: branchRms / shortcutRms,
    };
  });
}
