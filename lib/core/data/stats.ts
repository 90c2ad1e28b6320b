import { CHANNELS, type ChannelStats, type Split } from "./types.ts";

/** Per-channel mean and (population) standard deviation over every pixel of `split`, in [0, 1] units. */
export function channelStats(split: Split): ChannelStats {
  const sum = [0, 0, 0], sq = [0, 0, 0];
  const px = split.images;
  // Integer partial sums per block keep this exact and fast (255^2 * 3 * 32768 < 2^53).
  const block = CHANNELS * 32768;
  for (let start = 0; start < px.length; start += block) {
    const end = Math.min(px.length, start + block);
    let s0 = 0, s1 = 0, s2 = 0, q0 = 0, q1 = 0, q2 = 0;
    for (let i = start; i < end; i += 3) {
      const r = px[i], g = px[i + 1], b = px[i + 2];
      s0 += r;
      s1 += g;
      s2 += b;
      q0 += r * r;
      q1 += g * g;
      q2 += b * b;
    }
    sum[0] += s0, sum[1] += s1, sum[2] += s2;
    sq[0] += q0, sq[1] += q1, sq[2] += q2;
  }
  const n = px.length / CHANNELS;
  const mean = sum.map((s) => s / n / 255);
  const std = sq.map((q, c) => Math.sqrt(q / n / 65025 - mean[c] * mean[c]));
  return { mean: mean as ChannelStats["mean"], std: std as ChannelStats["std"] };
}
