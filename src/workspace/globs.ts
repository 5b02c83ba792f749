/**
 * Glob patterns as VS Code reads them in settings (`files.exclude`, `turso.workspaceTokenFiles`):
 * matched against a path relative to the workspace folder with `/` separators; `*` and `?` stay
 * within one path segment (and match a leading dot), `**` spans segments, `{a,b}` alternatives,
 * `[abc]`, `[a-z]`, `[!a]` character classes. Pure (no `vscode`): unit-tested in plain Node.
 */

/** Every pattern with its `{…}` alternatives spelled out: `**\/{a,b}.env` → `**\/a.env`, `**\/b.env`. */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) {
    return [pattern];
  }
  const close = matchingBrace(pattern, open);
  if (close < 0) {
    return [pattern];
  }
  const head = pattern.slice(0, open);
  const tails = expandBraces(pattern.slice(close + 1));
  const out: string[] = [];
  for (const alternative of splitTopLevel(pattern.slice(open + 1, close))) {
    for (const inner of expandBraces(alternative)) {
      for (const tail of tails) {
        out.push(head + inner + tail);
      }
    }
  }
  return out;
}

/**
 * One glob for several (`{a,b,c}`, braces of the parts spelled out first, since VS Code's globs do
 * not nest them), or undefined for none. Duplicates and blank entries are dropped.
 */
export function combineGlobs(patterns: readonly string[]): string | undefined {
  const parts = [...new Set(patterns.flatMap((p) => (typeof p === 'string' && p.trim() !== '' ? expandBraces(p.trim()) : [])))];
  if (parts.length === 0) {
    return undefined;
  }
  return parts.length === 1 ? parts[0] : `{${parts.join(',')}}`;
}

/** The patterns a `files.exclude`-like setting turns on (`true`); entries with a `when` clause are left out. */
export function enabledPatterns(setting: unknown): string[] {
  if (typeof setting !== 'object' || setting === null) {
    return [];
  }
  return Object.entries(setting as Record<string, unknown>).filter(([, on]) => on === true).map(([pattern]) => pattern);
}

/** A compiled set of globs: `matches(path)` for a `/`-separated path relative to the folder. */
export class GlobSet {
  private readonly regexps: RegExp[];

  constructor(patterns: readonly string[]) {
    this.regexps = patterns.filter((p) => typeof p === 'string' && p.trim() !== '').map((p) => globToRegExp(p.trim()));
  }

  /** True when one of the globs matches `path`. */
  matches(path: string): boolean {
    const p = normalize(path);
    return this.regexps.some((re) => re.test(p));
  }

  /** True when one of the globs matches `path` or a folder it is in (`**\/node_modules` excludes everything below). */
  matchesOrContains(path: string): boolean {
    const p = normalize(path);
    if (this.matches(p)) {
      return true;
    }
    for (let slash = p.indexOf('/'); slash > 0; slash = p.indexOf('/', slash + 1)) {
      if (this.matches(p.slice(0, slash))) {
        return true;
      }
    }
    return false;
  }
}

/** A glob as an anchored regular expression. */
export function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${toSource(normalize(pattern))}$`);
}

function normalize(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '');
}

function toSource(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      let j = i;
      while (glob[j] === '*') j++;
      const stars = j - i;
      const segmentStart = i === 0 || glob[i - 1] === '/';
      const segmentEnd = j === glob.length || glob[j] === '/';
      if (stars >= 2 && segmentStart && segmentEnd) {
        if (glob[j] === '/') {
          out += '(?:[^/]*/)*'; // `**/`: any number of folders, none included
          j++;
        } else {
          out += '.*'; // a final `**`: anything below
        }
      } else {
        out += '[^/]*';
      }
      i = j - 1;
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '{') {
      const close = matchingBrace(glob, i);
      if (close < 0) {
        out += '\\{';
      } else {
        out += `(?:${splitTopLevel(glob.slice(i + 1, close)).map(toSource).join('|')})`;
        i = close;
      }
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
      } else {
        let body = glob.slice(i + 1, close);
        const negated = body[0] === '!' || body[0] === '^';
        if (negated) body = body.slice(1);
        body = body.replace(/[\\\]^]/g, (m) => `\\${m}`);
        out += negated ? `[^/${body}]` : `[${body}]`;
        i = close;
      }
    } else {
      out += c.replace(/[.+^$()|\\[\]{}]/g, (m) => `\\${m}`);
    }
  }
  return out;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Splits `a,{b,c},d` at the commas outside nested braces. */
function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '{') depth++;
    else if (body[i] === '}') depth--;
    else if (body[i] === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}
