/**
 * Text rules for `.env` and `.gitignore` files, kept free of `vscode` so they are unit-tested in
 * plain Node. The glue that reads and writes the files is `saveEnv.ts`.
 *
 * Edits are surgical: a user's `.env` holds other secrets and their own formatting, so only the
 * assignment of the one key changes, and line endings, comments and order stay as they were.
 */

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
 * ignores the file at `path` ('/'-separated, e.g. `.env`). Follows git's rules: comments, `!`
 * negation, the last matching pattern wins, `dir/` only matches directories, a pattern with a
 * slash is anchored, `*`, `?`, `[…]` and `**`, and a file inside an ignored directory is ignored.
 */
export function gitignoreCovers(text: string, path: string): boolean {
  const rules = parseGitignore(text);
  const segments = path.split('/').filter((s) => s !== '');
  // Git does not look inside an ignored directory, so no later `!` can bring the file back.
  for (let depth = 1; depth < segments.length; depth++) {
    if (isIgnored(rules, segments.slice(0, depth), true)) {
      return true;
    }
  }
  return segments.length > 0 && isIgnored(rules, segments, false);
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

// ---------------------------------------------------------------------------------------------
// .gitignore

interface IgnoreRule {
  negated: boolean;
  directoryOnly: boolean;
  /** Matched against the whole path when anchored, against the last segment otherwise. */
  anchored: boolean;
  regex: RegExp;
}

function parseGitignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  // Git skips a UTF-8 byte order mark at the start of the file.
  for (const raw of text.replace(/^\uFEFF/, '').split('\n')) {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('#')) {
      continue;
    }
    line = trimTrailingSpaces(line);
    if (line === '') {
      continue;
    }
    const negated = line.startsWith('!');
    if (negated) {
      line = line.slice(1);
    }
    const directoryOnly = line.endsWith('/');
    if (directoryOnly) {
      line = line.replace(/\/+$/, '');
    }
    // A slash at the start or in the middle anchors the pattern to the .gitignore's folder.
    const anchored = line.includes('/');
    line = line.replace(/^\//, '');
    if (line === '') {
      continue;
    }
    rules.push({ negated, directoryOnly, anchored, regex: globToRegExp(line) });
  }
  return rules;
}

/** Git drops trailing spaces unless the last one is escaped with a backslash. */
function trimTrailingSpaces(line: string): string {
  let end = line.length;
  while (end > 0 && line[end - 1] === ' ' && line[end - 2] !== '\\') {
    end--;
  }
  return line.slice(0, end);
}

function isIgnored(rules: IgnoreRule[], segments: string[], isDirectory: boolean): boolean {
  let ignored = false;
  for (const rule of rules) {
    if (rule.directoryOnly && !isDirectory) {
      continue;
    }
    const subject = rule.anchored ? segments.join('/') : segments[segments.length - 1];
    if (rule.regex.test(subject)) {
      ignored = !rule.negated;
    }
  }
  return ignored;
}

/** Translates a gitignore glob (`*` and `?` stop at `/`, `**` crosses folders) into a RegExp. */
function globToRegExp(glob: string): RegExp {
  let source = '';
  let i = 0;
  while (i < glob.length) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const atStart = i === 0 || glob[i - 1] === '/';
      const next = glob[i + 2];
      if (atStart && next === '/') {
        source += '(?:.*/)?'; // `**/` : any number of folders, including none
        i += 3;
        continue;
      }
      if (atStart && next === undefined) {
        source += '.*'; // trailing `/**`: everything inside
        i += 2;
        continue;
      }
      // Other consecutive asterisks are plain asterisks.
      while (glob[i] === '*') {
        i++;
      }
      source += '[^/]*';
      continue;
    }
    if (c === '*') {
      source += '[^/]*';
    } else if (c === '?') {
      source += '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        source += '\\[';
      } else {
        let body = glob.slice(i + 1, end);
        const negate = body.startsWith('!') || body.startsWith('^');
        if (negate) {
          body = body.slice(1);
        }
        source += `[${negate ? '^/' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
        i = end + 1;
        continue;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      source += escapeRegExp(glob[i + 1]);
      i += 2;
      continue;
    } else {
      source += escapeRegExp(c);
    }
    i++;
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
