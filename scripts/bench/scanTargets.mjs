// The scan bench's target of issue 23 (scripts/bench/scan.mjs): with database and group tokens in the
// env files, the scan's cost still follows the env files, not the files of the workspace. Pure: tested
// in plain Node (test/unit/scripts/benchScan.test.ts).

/** Reading + parsing may cost at most this much per env file (the slope across env-file counts). */
export const MS_PER_ENV_FILE = 0.25;
/** With the same env files, ×50 files may add at most this much reading + parsing (or this share of it). */
export const FILE_GROWTH = { ms: 5, share: 0.5 };

const ms = (x) => `${Math.round(x)} ms`;
const num = (x) => x.toLocaleString('en-US');

/**
 * `bySize`: the cases with the same env files, by files in the workspace (ascending); `byEnv`: the
 * cases with the same files, by env files (ascending). Each case: {files, envFiles, readMs} —
 * readMs = a rescan's median time less its file search (reading and parsing the env files).
 * Returns {met, text, slope, growthMs} or undefined when either series has fewer than two cases.
 */
export function followsEnvFiles(bySize, byEnv) {
  if (bySize.length < 2 || byEnv.length < 2) return undefined;
  const [a, b] = [bySize[0], bySize.at(-1)];
  const [c, d] = [byEnv[0], byEnv.at(-1)];
  const slope = (d.readMs - c.readMs) / (d.envFiles - c.envFiles);
  const growthMs = b.readMs - a.readMs;
  const allowed = Math.max(FILE_GROWTH.ms, FILE_GROWTH.share * a.readMs);
  const slopeOk = slope <= MS_PER_ENV_FILE;
  const growthOk = growthMs <= allowed;
  const text = `reading + parsing ${slope.toFixed(2)} ms per env file (${c.envFiles} → ${d.envFiles} env files at ${num(c.files)} files: ` +
    `${ms(c.readMs)} → ${ms(d.readMs)}; at most ${MS_PER_ENV_FILE} ms) ${slopeOk ? '**met**' : '**missed**'}; ` +
    `${num(a.files)} → ${num(b.files)} files with ${a.envFiles} env files: ${ms(a.readMs)} → ${ms(b.readMs)} ` +
    `(at most ${ms(allowed)} more) ${growthOk ? '**met**' : '**missed**'}`;
  return { met: slopeOk && growthOk, text, slope, growthMs };
}
