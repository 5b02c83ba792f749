// The import graph of src/: no cycle, and the pure files (no `vscode` import) load nothing that imports
// `vscode`. Every static import and re-export of a file of src counts, `import type` included: a cycle
// of types only does no harm at run time, but it is two modules that each need the other — the shared
// type gets a module of its own instead.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface Edge {
  to: string;
  typeOnly: boolean;
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Each file's imports of other files of the folder (relative specifiers), by path relative to `root`. */
export function importGraph(root: string, dir: string): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  for (const file of tsFiles(path.join(root, dir))) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
    const edges: Edge[] = [];
    const add = (specifier: string, typeOnly: boolean): void => {
      if (!specifier.startsWith('.')) {
        return;
      }
      const base = path.resolve(path.dirname(file), specifier);
      const target = [`${base}.ts`, path.join(base, 'index.ts'), base].find((p) => p.endsWith('.ts') && fs.existsSync(p));
      assert.ok(target, `${path.relative(root, file)}: cannot resolve the import '${specifier}'`);
      edges.push({ to: path.relative(root, target).split(path.sep).join('/'), typeOnly });
    };
    for (const st of source.statements) {
      if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
        const clause = st.importClause;
        const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
        const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((s) => s.isTypeOnly)));
        add(st.moduleSpecifier.text, typeOnly);
      } else if (ts.isExportDeclaration(st) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
        const named = st.exportClause && ts.isNamedExports(st.exportClause) ? st.exportClause.elements : undefined;
        add(st.moduleSpecifier.text, st.isTypeOnly || (!!named && named.length > 0 && named.every((s) => s.isTypeOnly)));
      } else if (ts.isImportEqualsDeclaration(st) && ts.isExternalModuleReference(st.moduleReference) && ts.isStringLiteral(st.moduleReference.expression)) {
        add(st.moduleReference.expression.text, st.isTypeOnly);
      }
    }
    graph.set(path.relative(root, file).split(path.sep).join('/'), edges);
  }
  return graph;
}

/** Cycles of the graph (at least one in each knot of files that import each other), as the files in import order, the first again at the end. */
export function importCycles(graph: Map<string, Edge[]>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const done = new Set<string>();
  const visit = (file: string, stack: string[]): void => {
    if (done.has(file)) {
      return;
    }
    const at = stack.indexOf(file);
    if (at >= 0) {
      const cycle = stack.slice(at);
      const key = [...cycle].sort().join(' ');
      if (!seen.has(key)) {
        seen.add(key);
        cycles.push([...cycle, file]);
      }
      return;
    }
    for (const edge of graph.get(file) ?? []) {
      visit(edge.to, [...stack, file]);
    }
    done.add(file);
  };
  for (const file of [...graph.keys()].sort()) {
    visit(file, []);
  }
  return cycles;
}

describe('imports of src/', () => {
  const graph = importGraph(ROOT, 'src');

  it('reads the imports (value, type-only, re-exports) of the files of src', () => {
    assert.ok(graph.size > 40, `only ${graph.size} files`);
    const client = graph.get('src/accounts/organizationsModel.ts') ?? [];
    assert.deepEqual(client.find((e) => e.to === 'src/platform/client.ts'), { to: 'src/platform/client.ts', typeOnly: true });
    assert.deepEqual(client.find((e) => e.to === 'src/platform/types.ts'), { to: 'src/platform/types.ts', typeOnly: false });
  });

  it('has no import cycle (`import type` counts)', () => {
    const cycles = importCycles(graph).map((c) => c.join(' → '));
    assert.deepEqual(cycles, [], `import cycles in src/:\n${cycles.join('\n')}`);
  });

  it('loads nothing that imports vscode from a pure file (no vscode import of its own)', () => {
    const pure = (file: string): boolean => !/\bfrom\s+['"]vscode['"]/.test(fs.readFileSync(path.join(ROOT, file), 'utf8'));
    const wrong: string[] = [];
    for (const [file, edges] of graph) {
      if (pure(file)) {
        wrong.push(...edges.filter((e) => !e.typeOnly && !pure(e.to)).map((e) => `${file} → ${e.to}`));
      }
    }
    assert.deepEqual(wrong, [], 'pure files that load a file importing vscode');
  });

  describe('the cycle finder', () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'turso-imports-'));
      const files: Record<string, string> = {
        'src/a.ts': "import { b } from './b';\nexport const a = b;\n",
        'src/b.ts': "import type { C } from './sub/c';\nexport const b = 1;\nexport type B = C;\n",
        'src/sub/c.ts': "export type { A } from '../d';\nexport type C = number;\n",
        'src/d.ts': "import { type B } from './b';\nexport type A = B;\n",
        'src/e.ts': "import { a } from './a';\nexport const e = a;\n",
      };
      for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
      }
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('finds a cycle made of type-only imports and re-exports, once, and nothing else', () => {
      const g = importGraph(dir, 'src');
      assert.deepEqual(g.get('src/d.ts'), [{ to: 'src/b.ts', typeOnly: true }]);
      assert.deepEqual(g.get('src/sub/c.ts'), [{ to: 'src/d.ts', typeOnly: true }]);
      assert.deepEqual(importCycles(g), [['src/b.ts', 'src/sub/c.ts', 'src/d.ts', 'src/b.ts']]);
    });
  });
});
