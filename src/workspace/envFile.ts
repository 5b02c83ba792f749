/**
 * Text rules for `.env` and `.gitignore` files, kept free of `vscode` so they are unit-tested in
 * plain Node. The env-file grammar lives here (see below), and `tokenFinder.ts` reads by it. The glue that reads and writes the files is `saveEnv.ts`.
 *
 * Edits are surgical: a user's `.env` holds other secrets and their own formatting, so only the
 * assignment of the one key changes, and line endings, comments and order stay as they were.
 */
import ignore from 'ignore';

export interface UpsertResult {
  text: string;
  /** The key was already assigned (every assignment of it now holds the new value). */
  replaced: boolean;
}

/**
 * Sets `key=value` in a dotenv text. Existing assignments of `key` (also `export key=…`, quoted or
 * spanning several lines) get the new value in place, keeping their quote style and a trailing
 * comment; otherwise the assignment is appended. Keys that merely start with `key` are left alone.
 */
export function upsertEnvVar(text: string, key: string, value: string): UpsertResult {
  const lines = splitEnvLines(text);
  const bodies = lines.map((l) => l.body);
  const out: string[] = [];
  let replaced = false;
  for (let i = 0; i < lines.length; i++) {
    const assignment = parseEnvAssignment(bodies, i);
    if (!assignment) {
      out.push(lines[i].body + lines[i].eol);
      continue;
    }
    if (assignment.key === key) {
      // A value that spanned several lines collapses onto this one; the break after its last line stays.
      const head = bodies[i].slice(0, assignment.valueStart);
      const tail = bodies[assignment.lastLine].slice(assignment.valueEnd);
      out.push(head + formatValue(value, assignment.quote) + tail + lines[assignment.lastLine].eol);
      replaced = true;
    } else {
      // Copy the whole assignment, so a line inside another key's multi-line value is never taken for ours.
      for (let j = i; j <= assignment.lastLine; j++) {
        out.push(lines[j].body + lines[j].eol);
      }
    }
    i = assignment.lastLine;
  }
  if (replaced) {
    return { text: out.join(''), replaced };
  }
  const eol = lineBreakOf(text, ENV_BREAK);
  const separator = text === '' || endsWithBreak(text, ENV_BREAK) ? '' : eol;
  return { text: text + separator + `${key}=${formatValue(value, undefined)}` + eol, replaced: false };
}

/** Appends an entry (such as `.env`) to a `.gitignore` text, in the file's own line-break style. */
export function appendGitignoreEntry(text: string, entry: string): string {
  // Git reads a .gitignore by '\n' (dropping a '\r' before it): a lone '\r' is no line break there.
  const eol = lineBreakOf(text, GITIGNORE_BREAK);
  const separator = text === '' || endsWithBreak(text, GITIGNORE_BREAK) ? '' : eol;
  return text + separator + entry + eol;
}

/**
 * Whether a `.gitignore` text (at the root of the repository, or of the folder `path` is relative to)
 * ignores the file at `path` ('/'-separated, e.g. `.env`), by git's rules (the `ignore` package, checked
 * against `git check-ignore` in the tests). Case-sensitive, as git is on Linux; where git runs, it
 * decides (`gitState.ts`): this is for folders git cannot look at.
 */
export function gitignoreCovers(text: string, path: string): boolean {
  return ignore({ ignorecase: false }).add(text.replace(/^\uFEFF/, '')).ignores(path);
}

// ---------------------------------------------------------------------------------------------
// The env-file grammar (dotenv's), the one home of it: `upsertEnvVar` writes by it and
// `tokenFinder.ts` reads by it.
//
// - Lines end at `\r\n`, `\n` or a lone `\r` (as dotenv and VS Code count them).
// - An assignment is `KEY=value`, also `export KEY=value` and `KEY: value`, with any indentation;
//   a key is a letter or `_`, then letters, digits, `_`, `.` or `-`.
// - A value is unquoted, or quoted with `"`, `'` or `` ` ``; a backslash escapes the next character
//   in any of the three (as dotenv reads `\'` inside '…'), and a quoted value may span several lines.
//   A quote never closed is a value of its own line alone (dotenv then reads the line unquoted).
// - A `#` begins a comment: a whole line, after an unquoted value when whitespace precedes it (a `#`
//   inside a value is common in URLs), or anywhere after a quoted value's closing quote.

/** One line of an env file and the break that ends it. */
export interface EnvLine {
  body: string;
  /** '\r\n', '\n', '\r', or '' for a last line without a line break. */
  eol: string;
}

/** Where one assignment is: columns are UTF-16 code units, as `vscode.Position`'s. */
export interface EnvAssignment {
  key: string;
  /** The line the assignment starts on (its key), and the line its value ends on. */
  lastLine: number;
  /** Column (on the first line) where the value starts, its opening quote included; for `KEY= # note`, just after `=`. */
  valueStart: number;
  /** Column (on the last line) just after the value, its closing quote included. */
  valueEnd: number;
  /** The quote the value is written in, if any. */
  quote: string | undefined;
  /** Column (on the last line) where a trailing comment starts (its `#`, or the whitespace before it), if any. */
  commentStart: number | undefined;
}

const ENV_BREAK = /\r\n|\r|\n/;
const GITIGNORE_BREAK = /\r\n|\n/;
const QUOTES = ['"', "'", '`'];
const ASSIGNMENT = /^(\s*(?:export\s+)?)([A-Za-z_][\w.-]*)(\s*=|\s*:(?=[ \t]))([ \t]*)/;

/** The lines of an env file, each with its own line break (a file may mix them). */
export function splitEnvLines(text: string): EnvLine[] {
  const lines: EnvLine[] = [];
  const breaks = new RegExp(ENV_BREAK.source, 'g');
  let start = 0;
  for (let m = breaks.exec(text); m; m = breaks.exec(text)) {
    lines.push({ body: text.slice(start, m.index), eol: m[0] });
    start = m.index + m[0].length;
  }
  if (start < text.length) {
    lines.push({ body: text.slice(start), eol: '' });
  }
  return lines;
}

/**
 * `text` without its line `line` (counted as `splitEnvLines` counts them) and that line's break; every
 * other line, line break and a byte order mark kept. The last line without a break leaves the break
 * before it, as an editor's "delete line" does.
 */
export function withoutLine(text: string, line: number): string {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  return bom + splitEnvLines(text.slice(bom.length)).filter((_, i) => i !== line).map((l) => l.body + l.eol).join('');
}

/**
 * The assignment starting on line `index` (at column `from`: after a `#` for a commented-out one),
 * or undefined when that line is not one. `lines` are the bodies of `splitEnvLines`; pass the one
 * line alone where a value must not span lines.
 */
export function parseEnvAssignment(lines: readonly string[], index: number, from = 0): EnvAssignment | undefined {
  const body = lines[index];
  const match = ASSIGNMENT.exec(body.slice(from));
  if (!match) {
    return undefined;
  }
  const [whole, lead, key, equals, spacing] = match;
  const valueStart = from + whole.length;
  const quote = QUOTES.find((q) => body.startsWith(q, valueStart));
  if (!quote) {
    // `KEY= # note`: whitespace after `=` then `#` is an empty value and a comment.
    const afterEquals = from + lead.length + key.length + equals.length;
    const comment = /\s+#/.exec(body.slice(afterEquals));
    if (comment?.index === 0) {
      return { key, lastLine: index, valueStart: afterEquals, valueEnd: afterEquals, quote, commentStart: afterEquals };
    }
    const valueEnd = comment ? afterEquals + comment.index : body.length;
    return { key, lastLine: index, valueStart: afterEquals + spacing.length, valueEnd, quote, commentStart: comment ? valueEnd : undefined };
  }
  let close = closingQuote(body, quote, valueStart + 1);
  let lastLine = index;
  while (close < 0 && lastLine + 1 < lines.length) {
    lastLine++;
    close = closingQuote(lines[lastLine], quote, 0);
  }
  if (close < 0) {
    return { key, lastLine: index, valueStart, valueEnd: body.length, quote, commentStart: undefined };
  }
  const hash = lines[lastLine].indexOf('#', close + 1);
  return { key, lastLine, valueStart, valueEnd: close + 1, quote, commentStart: hash < 0 ? undefined : hash };
}

/** Index of the first unescaped `quote` in `text` from `from`, or -1. */
function closingQuote(text: string, quote: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') {
      i++;
    } else if (text[i] === quote) {
      return i;
    }
  }
  return -1;
}

/**
 * Writes a value so dotenv, shells and docker compose read it back unchanged. A Platform API token
 * (a JWT) is always written bare, or in the quotes the user already had around the old value.
 */
function formatValue(value: string, preferredQuote: string | undefined): string {
  const plain = !/[\\\r\n]/.test(value);
  if (preferredQuote && plain && !value.includes(preferredQuote)) {
    return preferredQuote + value + preferredQuote;
  }
  if (/^[\w.~+/=:@%,-]*$/.test(value)) {
    return value;
  }
  if (plain && !value.includes("'")) {
    return `'${value}'`;
  }
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

/** The file's line break: the one its first line ends with, '\n' for a file without one (and new files). */
function lineBreakOf(text: string, breaks: RegExp): string {
  return breaks.exec(text)?.[0] ?? '\n';
}

function endsWithBreak(text: string, breaks: RegExp): boolean {
  return new RegExp(`(?:${breaks.source})$`).test(text);
}
