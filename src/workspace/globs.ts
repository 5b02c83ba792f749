/**
 * Glob patterns as VS Code reads them in settings (`files.exclude`, `turso.workspaceTokenFiles`):
 * matched against a path relative to the workspace folder with `/` separators; `*` and `?` stay
 * within one path segment (and match a leading dot), `**` spans segments, `{a,b}` alternatives,
 * `[abc]`, `[a-z]`, `[!a]` character classes. Pure (no `vscode`): unit-tested in plain Node.
 *
 * Settings are input from anyone who can put a `.vscode/settings.json` in a folder: a pattern is
 * compiled into a non-backtracking automaton (Thompson's construction), run over a path in one pass,
 * so matching costs at most (path length + 1) × (states of the set) steps whatever the pattern —
 * repeated `**\/`, `*a*a*a…`, `{a,b}` twenty times — with states linear in the patterns' length, which
 * is capped. `{…}` alternatives are never spelled out for matching; for the glob given to VS Code's
 * search (which does not nest braces) they are, up to MAX_GLOB_ALTERNATIVES.
 */

/** A longer pattern is left out (reported in `GlobSet.leftOut`). */
export const MAX_PATTERN_LENGTH = 512;
/** The patterns of one set, all together, longer than this: the ones past it are left out. */
export const MAX_SET_LENGTH = 4096;
/** Alternatives the glob given to VS Code's search may spell out; more, and the caller searches wider and filters. */
export const MAX_GLOB_ALTERNATIVES = 64;

/** The number of patterns `{…}` alternatives spell out, counted without spelling them out (capped at `limit + 1`). */
export function countAlternatives(pattern: string, limit = MAX_GLOB_ALTERNATIVES): number {
  const open = pattern.indexOf('{');
  if (open < 0) return 1;
  const close = matchingBrace(pattern, open);
  if (close < 0) return 1;
  const tails = countAlternatives(pattern.slice(close + 1), limit);
  let inner = 0;
  for (const alternative of splitTopLevel(pattern.slice(open + 1, close))) {
    inner = Math.min(limit + 1, inner + countAlternatives(alternative, limit));
  }
  return Math.min(limit + 1, inner * tails);
}

/**
 * Every pattern with its `{…}` alternatives spelled out: `**\/{a,b}.env` → `**\/a.env`, `**\/b.env`;
 * undefined when that makes more than `limit` patterns.
 */
export function expandBraces(pattern: string, limit = MAX_GLOB_ALTERNATIVES): string[] | undefined {
  return countAlternatives(pattern, limit) > limit ? undefined : expand(pattern);
}

function expand(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) {
    return [pattern];
  }
  const close = matchingBrace(pattern, open);
  if (close < 0) {
    return [pattern];
  }
  const head = pattern.slice(0, open);
  const tails = expand(pattern.slice(close + 1));
  const out: string[] = [];
  for (const alternative of splitTopLevel(pattern.slice(open + 1, close))) {
    for (const inner of expand(alternative)) {
      for (const tail of tails) {
        out.push(head + inner + tail);
      }
    }
  }
  return out;
}

/** `**\/**\/x` → `**\/x` and `a***` → `a*`: the same paths, less work for whoever matches them. */
export function simplifyGlob(pattern: string): string {
  let out = pattern;
  for (let before = ''; before !== out;) {
    before = out;
    out = out.replace(/(^|\/)\*\*\/\*\*(?=\/|$)/g, '$1**');
  }
  // Three stars or more are never a globstar of their own: `***` is `*` (as `**` inside a segment).
  return out.replace(/\*{3,}/g, (stars, at: number) => {
    const segmentStart = at === 0 || out[at - 1] === '/';
    const segmentEnd = at + stars.length === out.length || out[at + stars.length] === '/';
    return segmentStart && segmentEnd ? stars : '*';
  });
}

/** What `combineGlobs` gives VS Code's search. */
export interface CombinedGlob {
  /** One glob for all the patterns, or undefined for none. */
  glob: string | undefined;
  /** Patterns not in `glob` (too many alternatives or too long): the caller searches wider and filters. */
  leftOut: string[];
}

/**
 * One glob for several (`{a,b,c}`, braces of the parts spelled out first, since VS Code's globs do
 * not nest them), with repeated `**\/` folded. Duplicates and blank entries are dropped; a pattern
 * too long, or whose alternatives would take the whole more than MAX_GLOB_ALTERNATIVES, is left out.
 */
export function combineGlobs(patterns: readonly string[]): CombinedGlob {
  const parts = new Set<string>();
  const leftOut: string[] = [];
  for (const raw of patterns) {
    if (typeof raw !== 'string' || raw.trim() === '') continue;
    const pattern = raw.trim();
    const expanded = pattern.length > MAX_PATTERN_LENGTH ? undefined : expandBraces(simplifyGlob(pattern), MAX_GLOB_ALTERNATIVES - parts.size);
    if (!expanded) {
      leftOut.push(pattern);
      continue;
    }
    for (const p of expanded) parts.add(p);
  }
  const list = [...parts];
  return { glob: list.length === 0 ? undefined : list.length === 1 ? list[0] : `{${list.join(',')}}`, leftOut };
}

/** The patterns a `files.exclude`-like setting turns on (`true`); entries with a `when` clause are left out. */
export function enabledPatterns(setting: unknown): string[] {
  if (typeof setting !== 'object' || setting === null) {
    return [];
  }
  return Object.entries(setting as Record<string, unknown>).filter(([, on]) => on === true).map(([pattern]) => pattern);
}

// ---------------------------------------------------------------------------------------------
// The automaton

/** What a transition reads: one given character, any but `/`, `/`, anything, or a class. */
type Edge = { on: 'char'; code: number; to: number } | { on: 'segment' | 'slash' | 'any'; to: number } | { on: 'class'; test: RegExp; to: number };

interface State {
  /** Taken without reading a character. */
  free: number[];
  edges: Edge[];
}

const SLASH = 47;

/** Builds the states of patterns into one automaton; each pattern's end is accepting. */
class Automaton {
  readonly states: State[] = [{ free: [], edges: [] }];
  readonly accepting = new Set<number>();

  add(pattern: string): void {
    const start = this.state();
    this.states[0].free.push(start);
    this.accepting.add(this.sequence(pattern, start));
  }

  private state(): number {
    this.states.push({ free: [], edges: [] });
    return this.states.length - 1;
  }

  private edge(from: number, edge: Edge): void {
    this.states[from].edges.push(edge);
  }

  /**
   * The states for `glob` from `from`; returns the state its end reaches. Mirrors the regular
   * expression VS Code's globs stand for: a run of 2+ stars that is a whole segment is `(?:[^/]*\/)*`
   * followed by `/`, or `.*` at the end; any other run of stars is `[^/]*`; `?` is `[^/]`.
   */
  private sequence(glob: string, from: number): number {
    let at = from;
    for (let i = 0; i < glob.length; i++) {
      const c = glob[i];
      if (c === '*') {
        let j = i;
        while (glob[j] === '*') j++;
        const segmentStart = i === 0 || glob[i - 1] === '/';
        const segmentEnd = j === glob.length || glob[j] === '/';
        const loop = this.state();
        this.states[at].free.push(loop);
        if (j - i >= 2 && segmentStart && segmentEnd && glob[j] === '/') {
          // Folders: `loop` is between segments; `inside` is within one, back to `loop` after its `/`.
          const inside = this.state();
          this.edge(loop, { on: 'segment', to: inside });
          this.edge(loop, { on: 'slash', to: loop });
          this.edge(inside, { on: 'segment', to: inside });
          this.edge(inside, { on: 'slash', to: loop });
          j++;
        } else {
          this.edge(loop, { on: j - i >= 2 && segmentStart && segmentEnd ? 'any' : 'segment', to: loop });
        }
        at = loop;
        i = j - 1;
      } else if (c === '?') {
        at = this.step(at, { on: 'segment' });
      } else if (c === '{' && matchingBrace(glob, i) >= 0) {
        const close = matchingBrace(glob, i);
        const end = this.state();
        for (const alternative of splitTopLevel(glob.slice(i + 1, close))) {
          const branch = this.state();
          this.states[at].free.push(branch);
          this.states[this.sequence(alternative, branch)].free.push(end);
        }
        at = end;
        i = close;
      } else if (c === '[' && classAt(glob, i)) {
        const { test, close } = classAt(glob, i)!;
        at = this.step(at, { on: 'class', test });
        i = close;
      } else {
        at = this.step(at, { on: 'char', code: glob.charCodeAt(i) });
      }
    }
    return at;
  }

  private step(from: number, edge: { on: 'segment' } | { on: 'char'; code: number } | { on: 'class'; test: RegExp }): number {
    const to = this.state();
    this.edge(from, { ...edge, to } as Edge);
    return to;
  }
}

/** `[…]` at `open` as a one-character test, or undefined when it is not a class (taken literally). */
function classAt(glob: string, open: number): { test: RegExp; close: number } | undefined {
  const close = glob.indexOf(']', open + 2);
  if (close < 0) return undefined;
  let body = glob.slice(open + 1, close);
  const negated = body[0] === '!' || body[0] === '^';
  if (negated) body = body.slice(1);
  body = body.replace(/[\\\]^]/g, (m) => `\\${m}`);
  try {
    return { test: new RegExp(negated ? `^[^/${body}]$` : `^[${body}]$`), close };
  } catch {
    return undefined; // `[z-a]`: no class; the `[` is a character
  }
}

/** A compiled set of globs: `matches(path)` for a `/`-separated path relative to the folder. */
export class GlobSet {
  /** Patterns not compiled (too long, or past the set's length): they match nothing. */
  readonly leftOut: string[] = [];
  /** Steps taken by every match so far (states visited and transitions tried): the tests' measure of work. */
  steps = 0;
  private readonly automaton = new Automaton();
  /** No pattern compiled: the set matches nothing. */
  readonly isEmpty: boolean;
  /** Per state: the step in which it was last added; the states of this step and the next; a stack (no allocation per character). */
  private readonly seen: Int32Array;
  private readonly current: Int32Array;
  private readonly next: Int32Array;
  private readonly stack: Int32Array;
  private readonly accepting: Uint8Array;
  private stamp = 0;

  constructor(patterns: readonly string[]) {
    let length = 0;
    for (const raw of patterns) {
      if (typeof raw !== 'string' || raw.trim() === '') continue;
      const pattern = simplifyGlob(normalize(raw.trim()));
      if (pattern.length > MAX_PATTERN_LENGTH || length + pattern.length > MAX_SET_LENGTH) {
        this.leftOut.push(raw.trim());
        continue;
      }
      length += pattern.length;
      this.automaton.add(pattern);
    }
    this.isEmpty = this.automaton.accepting.size === 0;
    const n = this.automaton.states.length;
    this.seen = new Int32Array(n);
    this.current = new Int32Array(n);
    this.next = new Int32Array(n);
    this.stack = new Int32Array(n);
    this.accepting = new Uint8Array(n);
    for (const s of this.automaton.accepting) this.accepting[s] = 1;
  }

  /** The number of states: a match costs at most (path length + 1) times this many steps, and then some transitions. */
  get size(): number {
    return this.automaton.states.length;
  }

  /** True when one of the globs matches `path`. */
  matches(path: string): boolean {
    return this.run(normalize(path), false);
  }

  /** True when one of the globs matches `path` or a folder it is in (`**\/node_modules` excludes everything below). */
  matchesOrContains(path: string): boolean {
    return this.run(normalize(path), true);
  }

  /** One pass over `path`; with `prefixes`, true as soon as the part before a `/` (not the first character) is accepted. */
  private run(path: string, prefixes: boolean): boolean {
    if (this.isEmpty) return false;
    const { states } = this.automaton;
    let current = this.current;
    let next = this.next;
    let length = this.follow(0, current, 0, ++this.stamp);
    for (let i = 0; i < path.length && length > 0; i++) {
      const code = path.charCodeAt(i);
      if (prefixes && code === SLASH && i > 0 && this.accepts(current, length)) return true;
      const stamp = ++this.stamp;
      let nextLength = 0;
      for (let k = 0; k < length; k++) {
        for (const edge of states[current[k]].edges) {
          this.steps++;
          if (takes(edge, code, path, i)) nextLength = this.follow(edge.to, next, nextLength, stamp);
        }
      }
      [current, next] = [next, current];
      length = nextLength;
    }
    return this.accepts(current, length);
  }

  private accepts(list: Int32Array, length: number): boolean {
    for (let k = 0; k < length; k++) if (this.accepting[list[k]]) return true;
    return false;
  }

  /** Adds `from` and every state reachable from it without reading (not added yet in this step) to `out`; returns its new length. */
  private follow(from: number, out: Int32Array, length: number, stamp: number): number {
    const { seen, stack } = this;
    if (seen[from] === stamp) return length;
    seen[from] = stamp;
    let top = 0;
    stack[top++] = from;
    while (top > 0) {
      const s = stack[--top];
      this.steps++;
      out[length++] = s;
      for (const t of this.automaton.states[s].free) {
        if (seen[t] !== stamp) {
          seen[t] = stamp;
          stack[top++] = t;
        }
      }
    }
    return length;
  }
}

function takes(edge: Edge, code: number, path: string, at: number): boolean {
  switch (edge.on) {
    case 'char':
      return edge.code === code;
    case 'segment':
      return code !== SLASH;
    case 'slash':
      return code === SLASH;
    case 'any':
      return true;
    default:
      return edge.test.test(path[at]);
  }
}

function normalize(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '');
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
