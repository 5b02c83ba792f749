/**
 * Text rules for `.env` and `.gitignore` files, kept free of `vscode` so they are unit-tested in
 * plain Node. The glue that reads and writes the files is `saveEnv.ts`.
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

interface Line {
  body: string;
  /** '\r\n', '\n', or '' for a last line without a line break. */
  eol: string;
}

const QUOTES = ['"', "'", '`'];

/**
 * Sets `key=value` in a dotenv text. Existing assignments of `key` (also `export key=…`, quoted or
 * spanning several lines) get the new value in place, keeping their quote style and a trailing
 * comment; otherwise the assignment is appended. Keys that merely start with `key` are left alone.
 */
export function upsertEnvVar(text: string, key: string, value: string): UpsertResult {
  const lines = splitLines(text);
  const out: string[] = [];
  let replaced = false;
  for (let i = 0; i < lines.length; i++) {
    const assignment = parseAssignment(lines, i);
    if (!assignment) {
      out.push(lines[i].body + lines[i].eol);
      continue;
    }
    if (assignment.key === key) {
      // A value that spanned several lines collapses onto this one; the break after its last line stays.
      out.push(assignment.head + formatValue(value, assignment.quote) + assignment.tail + lines[assignment.lastLine].eol);
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
  const eol = lineBreakOf(text);
  const separator = text === '' || /\r?\n$/.test(text) ? '' : eol;
  return { text: text + separator + `${key}=${formatValue(value, undefined)}` + eol, replaced: false };
}

/** Appends an entry (such as `.env`) to a `.gitignore` text, in the file's own line-break style. */
export function appendGitignoreEntry(text: string, entry: string): string {
  const eol = lineBreakOf(text);
  const separator = text === '' || /\r?\n$/.test(text) ? '' : eol;
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
// dotenv

interface Assignment {
  key: string;
  /** Everything before the value: indentation, `export `, the key and `=` with its spacing. */
  head: string;
  /** The quote the value was written in, if any. */
  quote: string | undefined;
  /** What followed the value on its last line: spacing and a `# comment`. */
  tail: string;
  lastLine: number;
}

const ASSIGNMENT = /^(\s*(?:export\s+)?)([A-Za-z_][\w.-]*)(\s*=)([ \t]*)(.*)$/;

function parseAssignment(lines: Line[], index: number): Assignment | undefined {
  const match = ASSIGNMENT.exec(lines[index].body);
  if (!match) {
    return undefined;
  }
  const [, lead, key, equals, spacing, rest] = match;
  const head = lead + key + equals + spacing;
  const quote = QUOTES.find((q) => rest.startsWith(q));
  if (!quote) {
    // Unquoted: a comment needs whitespace before its `#` (a `#` inside a value is common in URLs).
    const comment = /\s+#.*$/.exec(spacing + rest);
    if (comment?.index === 0) {
      // `KEY= # note`: an empty value followed by a comment.
      return { key, head: lead + key + equals, quote: undefined, tail: comment[0], lastLine: index };
    }
    return { key, head, quote: undefined, tail: comment ? comment[0] : '', lastLine: index };
  }
  let close = closingQuote(rest, quote, 1);
  let lastLine = index;
  while (close < 0 && lastLine + 1 < lines.length) {
    lastLine++;
    close = closingQuote(lines[lastLine].body, quote, 0);
  }
  if (close < 0) {
    // Never closed: treat the opening line alone as the assignment, as a lenient parser would.
    return { key, head, quote, tail: '', lastLine: index };
  }
  // `close` indexes `rest` when the value ends on its own line, the body of the last line otherwise.
  const closingText = lastLine === index ? rest : lines[lastLine].body;
  return { key, head, quote, tail: closingText.slice(close + 1), lastLine };
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

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const breaks = /\r\n|\n/g;
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

/** The file's line break: CRLF when its first line ends that way, LF otherwise (and for new files). */
function lineBreakOf(text: string): string {
  const first = /\r\n|\n/.exec(text);
  return first ? first[0] : '\n';
}
