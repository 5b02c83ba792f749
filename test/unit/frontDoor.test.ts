// Accounts have one front door: outside src/auth and src/accounts, who is signed in (the accounts,
// the active one, a client for one) is read from AccountModel; Session is only asked to sign in, sign
// out and switch. Every command is built from CommandDeps (src/commands/deps.ts): no deps type of a
// command or a view declares one of its fields again, and `organizations` is always there.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** What a command may ask of Session: the writes (sign in, sign out, switch). */
const SESSION_WRITES = new Set(['signIn', 'verify', 'signOut', 'signOutOf', 'signOutAll', 'switchTo']);

/** Files that own Session (src/auth), forward to it (src/accounts), or build it (the wiring). */
const SESSION_HOMES = /^src\/(auth\/|accounts\/|extension\.ts$)/;

const rel = (file: string): string => path.relative(ROOT, file).split(path.sep).join('/');

function srcProgram(): ts.Program {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
  });
  assert.ok(config, 'tsconfig.json');
  const files = config.fileNames.filter((f) => rel(f).startsWith('src/'));
  return ts.createProgram(files, { ...config.options, noEmit: true });
}

/** Every use of a Session's member that is not in `allowed`, as `file:line: member`, in the files `inScope` takes. */
function sessionReads(program: ts.Program, inScope: (file: string) => boolean, allowed: ReadonlySet<string>): string[] {
  const checker = program.getTypeChecker();
  const sessionFile = program.getSourceFile(path.join(ROOT, 'src/auth/session.ts'));
  const decl = sessionFile?.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === 'Session');
  assert.ok(decl?.name, 'class Session in src/auth/session.ts');
  const sessionSymbol = checker.getSymbolAtLocation(decl.name);
  const isSession = (node: ts.Node): boolean => {
    const type = checker.getNonNullableType(checker.getTypeAtLocation(node));
    return (type.isUnion() ? type.types : [type]).some((t) => t.getSymbol() === sessionSymbol);
  };
  const found: string[] = [];
  for (const source of program.getSourceFiles()) {
    const file = rel(source.fileName);
    if (!file.startsWith('src/') || !inScope(file)) {
      continue;
    }
    const note = (node: ts.Node, member: string): void => {
      if (!allowed.has(member)) {
        found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}: ${member}`);
      }
    };
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) && isSession(node.expression)) {
        note(node, node.name.text);
      } else if (ts.isElementAccessExpression(node) && isSession(node.expression)) {
        note(node, `[${node.argumentExpression.getText(source)}]`);
      } else if (ts.isObjectBindingPattern(node) && isSession(node)) {
        for (const element of node.elements) {
          note(element, (element.propertyName ?? element.name).getText(source));
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const p = `${dir}/${e.name}`;
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const parse = (file: string): ts.SourceFile =>
  ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);

/** CommandDeps (src/commands/deps.ts). */
function commandDeps(): ts.InterfaceDeclaration {
  const deps = parse('src/commands/deps.ts').statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'CommandDeps');
  assert.ok(deps, 'interface CommandDeps in src/commands/deps.ts');
  return deps;
}

describe('accounts have one front door', function () {
  this.timeout(120000);
  let program: ts.Program;
  before(() => {
    program = srcProgram();
  });

  it('commands, views, webviews and the workspace read who is signed in from AccountModel, not Session', () => {
    const reads = sessionReads(program, (file) => !SESSION_HOMES.test(file), SESSION_WRITES);
    assert.deepEqual(reads, [], `Session state read outside src/auth and src/accounts (read it from AccountModel):\n${reads.join('\n')}`);
  });

  it('the scan sees what Session is asked (its own homes do read it)', () => {
    const reads = sessionReads(program, (file) => file === 'src/accounts/accountModel.ts', new Set());
    assert.ok(reads.some((r) => r.endsWith(': accounts')), reads.join('\n'));
    assert.ok(reads.some((r) => r.endsWith(': clientFor')), reads.join('\n'));
    const writes = sessionReads(program, (file) => file.startsWith('src/commands/'), new Set());
    assert.ok(writes.some((r) => r.endsWith(': signOutOf')), writes.join('\n'));
  });

  it('no deps type of a command or a view declares a field of CommandDeps again', () => {
    const deps = commandDeps();
    const fields = new Set(deps.members.flatMap((m) => (m.name && ts.isIdentifier(m.name) ? [m.name.text] : [])));
    assert.ok(fields.has('accounts') && fields.has('organizations'), [...fields].join(', '));
    const again: string[] = [];
    for (const file of [...tsFiles('src/commands'), ...tsFiles('src/views')]) {
      const source = parse(file);
      const visit = (node: ts.Node): void => {
        if (ts.isPropertySignature(node) && ts.isIdentifier(node.name) && fields.has(node.name.text)) {
          const owner = ts.isInterfaceDeclaration(node.parent) ? node.parent.name.text : 'a type literal';
          again.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}: ${owner}.${node.name.text}`);
        }
        ts.forEachChild(node, visit);
      };
      // CommandDeps itself is where they are declared.
      if (file === 'src/commands/deps.ts') {
        const own = source.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === 'CommandDeps');
        source.statements.filter((s) => s !== own).forEach(visit);
      } else {
        visit(source);
      }
    }
    assert.deepEqual(again, [], `fields of CommandDeps declared again (use Pick<CommandDeps, …> or extend it):\n${again.join('\n')}`);
  });

  it('organizations is always there: required in CommandDeps and the tree, never `organizations?.`', () => {
    const problems: string[] = [];
    if (commandDeps().members.some((m) => m.name?.getText() === 'organizations' && m.questionToken !== undefined)) {
      problems.push('src/commands/deps.ts: CommandDeps.organizations is optional');
    }
    const tree = parse('src/views/tokensTreeProvider.ts').statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === 'TokensTreeProvider');
    const param = tree?.members.find(ts.isConstructorDeclaration)?.parameters.find((p) => p.name.getText() === 'organizations');
    if (!param || param.questionToken || param.initializer) {
      problems.push('src/views/tokensTreeProvider.ts: the TokensTreeProvider constructor does not require organizations');
    }
    for (const file of tsFiles('src')) {
      fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n').forEach((line, i) => {
        if (/\borganizations\?\./.test(line)) {
          problems.push(`${file}:${i + 1}: ${line.trim()}`);
        }
      });
    }
    assert.deepEqual(problems, [], `organizations is always there:\n${problems.join('\n')}`);
  });
});
