/**
 * The regular expression a glob stands for, as `src/workspace/globs.ts` built it before its automaton
 * (backtracking: fine for the small patterns of the tests, exponential for hostile ones). The
 * reference the automaton is compared with.
 */
export function referenceRegExp(pattern: string): RegExp {
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
