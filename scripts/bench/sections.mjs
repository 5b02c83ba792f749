// docs/BENCHMARKS.md is written by two benches: `npm run bench` writes the whole file, `npm run
// bench:scan` (scripts/bench/scan.mjs) its own section between these markers. Each keeps the other's.
export const SCAN_START = '<!-- scan-bench:start -->';
export const SCAN_END = '<!-- scan-bench:end -->';

/** The scan section of a BENCHMARKS.md text (markers included), or undefined. */
export function scanSection(text) {
  const start = text.indexOf(SCAN_START);
  const end = text.indexOf(SCAN_END);
  return start >= 0 && end > start ? text.slice(start, end + SCAN_END.length) : undefined;
}

/** `text` with its scan section replaced by `section` (appended when it has none). */
export function withScanSection(text, section) {
  const old = scanSection(text);
  if (old !== undefined) {
    return text.replace(old, () => section);
  }
  return `${text.replace(/\n*$/, '\n')}\n${section}\n`;
}
