/**
 * The order of names in every list the extension shows (tokens, organizations, databases, groups):
 * English collation, as `a.localeCompare(b, 'en')` gives it — case-insensitive first ("alpha" before
 * "Beta"), lower case first between names that differ only in case, punctuation before digits before
 * letters — and the same on every machine (not the system locale's).
 *
 * Names of printable ASCII characters, nearly all of them, are ordered here without ICU: the first
 * `localeCompare` of a process builds ICU's collator, 7–10 ms measured in the extension host, on the
 * path of the tree's first paint. Any other name goes to the collator. Both give the same order
 * (test/unit/util/order.test.ts checks this against ICU), so a list mixing them stays consistently sorted.
 */

/** ICU's order of the printable ASCII characters (root collation; "aA" share a place at the first level). */
const ASCII_ORDER = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz";

/** Char code → its first-level weight (upper case letters weigh as lower case); 0: not printable ASCII. */
const PRIMARY = new Uint8Array(128);
for (let i = 0; i < ASCII_ORDER.length; i++) {
  const code = ASCII_ORDER.charCodeAt(i);
  PRIMARY[code] = i + 1;
  if (code >= 0x61 && code <= 0x7a) {
    PRIMARY[code - 0x20] = i + 1;
  }
}

let collator: Intl.Collator | undefined;

/** Negative when `a` comes first, positive when `b` does, 0 when they are the same name. */
export function compareNames(a: string, b: string): number {
  const ascii = compareAscii(a, b);
  if (ascii !== undefined) {
    return ascii;
  }
  collator ??= new Intl.Collator('en');
  return collator.compare(a, b);
}

/** The collator's answer for two names of printable ASCII; undefined when either has another character. */
function compareAscii(a: string, b: string): number | undefined {
  if (!isPrintableAscii(a) || !isPrintableAscii(b)) {
    return undefined;
  }
  const n = Math.min(a.length, b.length);
  // First level: the characters' places, case left out; a name that is the start of the other comes first.
  for (let i = 0; i < n; i++) {
    const d = weight(a, i) - weight(b, i);
    if (d !== 0) {
      return d;
    }
  }
  if (a.length !== b.length) {
    return a.length - b.length;
  }
  // Third level (ASCII has no accents for the second): at the first place where the case differs, lower first.
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      return isUpper(ca) ? 1 : -1;
    }
  }
  return 0;
}

function weight(s: string, i: number): number {
  const code = s.charCodeAt(i);
  return code < 128 ? PRIMARY[code] : 0;
}

function isPrintableAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    if (weight(s, i) === 0) {
      return false;
    }
  }
  return true;
}

function isUpper(code: number): boolean {
  return code >= 0x41 && code <= 0x5a;
}
