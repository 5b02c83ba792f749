#!/usr/bin/env node
// `npm run bench:rows`: what the extension host spends building the API Tokens tree's rows for a large
// account, in plain Node — the tree provider (src/views/tokensTreeProvider.ts, compiled to out/ by
// `npx tsc -p .`) driven as VS Code drives it (root → the account's children → getTreeItem of each),
// with `vscode` replaced by a small stand-in (TreeItem, ThemeIcon, a MarkdownString that escapes as
// VS Code's does, l10n.t that formats). Two cases, each the median of --runs:
//   first load   a new provider shows an account with --tokens tokens
//   refresh      the same provider gets a new load of the same tokens plus one new token
// Also the JSON size of the tree items handed to VS Code per load (what crosses to the workbench).
//
// usage: npx tsc -p . && node scripts/bench/rows.mjs [--tokens 5000] [--runs 21] [--out <dir>]
//   --out  the compiled tree to load (default out/; another checkout's, to compare two commits)
import Module from 'node:module';
import path from 'node:path';
import util from 'node:util';
import { fileURLToPath } from 'node:url';

const { values: opt } = util.parseArgs({ options: { tokens: { type: 'string', default: '5000' }, runs: { type: 'string', default: '21' }, out: { type: 'string' } } });
const N = Number(opt.tokens);
const RUNS = Number(opt.runs);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// ---- a stand-in for the parts of `vscode` the tree provider uses ---------------------------------
class EventEmitter {
  listeners = [];
  event = (l) => {
    this.listeners.push(l);
    return { dispose: () => {} };
  };
  fire(e) { for (const l of this.listeners) l(e); }
  dispose() {}
}
class TreeItem {
  constructor(label, collapsibleState) {
    this.label = label;
    this.collapsibleState = collapsibleState;
  }
}
class ThemeIcon {
  constructor(id) { this.id = id; }
}
class MarkdownString {
  constructor(value = '', supportThemeIcons = false) {
    this.value = value;
    this.supportThemeIcons = supportThemeIcons;
  }
  appendMarkdown(v) { this.value += v; return this; }
  appendText(v) {
    // as VS Code's: Markdown syntax escaped, runs of spaces kept, line breaks kept
    this.value += v.replace(/[\\`*_{}[\]()#+\-.!~|<>]/g, '\\$&').replace(/([ \t]+)/g, (_m, g) => '&nbsp;'.repeat(g.length)).replace(/\n/g, '\n\n');
    return this;
  }
}
const format = (message, args) => message.replace(/{(\d+)}/g, (m, i) => (args[i] === undefined ? m : String(args[i])));
const vscode = {
  EventEmitter, TreeItem, ThemeIcon, MarkdownString,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  l10n: { t: (message, ...args) => format(message, args) },
  window: { withProgress: () => Promise.resolve() },
  Disposable: class { dispose() {} },
};
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
const require = Module.createRequire(import.meta.url);
let provider;
try {
  provider = require(path.resolve(opt.out ?? path.join(REPO, 'out'), 'src', 'views', 'tokensTreeProvider.js'));
} catch (e) {
  console.error(`out/src/views/tokensTreeProvider.js: ${e.message.split('\n')[0]} — compile first: npx tsc -p .`);
  process.exit(2);
}

// ---- the account, as the account model hands it to the tree --------------------------------------
const day = (i) => `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
const token = (i) => {
  const t = { name: `bulk-${String(i).padStart(5, '0')}`, id: `id${String(i).padStart(20, '0')}`, createdAt: day(i) };
  if (i % 3 === 1) t.organization = 'acme';
  if (i % 3 === 2) Object.assign(t, { organization: 'acme', group: 'default', scopes: ['read'] });
  return t;
};
const user = { username: 'demo', name: 'Demo User', email: 'demo@example.com', plan: 'scaler' };
/** A load as the model makes one: new objects for everything, as a JSON answer would be. */
const loadOf = (count, extra = []) => ({
  kind: 'loaded', user: { ...user }, validation: { expiresAt: Date.now() / 1000 + 7 * 86400 },
  tokens: [...extra, ...Array.from({ length: count }, (_, i) => token(i + 1))], credentialId: 'id00000000000000000001',
});
function fakeModel() {
  const account = { id: 'acc-1', settled: undefined, cachedLoad: undefined };
  const change = new EventEmitter();
  return {
    account, change,
    onDidChange: change.event, onDidStartLoading: new EventEmitter().event,
    accounts: [account], activeId: account.id, allSettled: true,
    shownLoad: (a) => a.settled, busyText: () => undefined,
    loadAll: async () => [{ account, load: account.settled }], ready: async () => {}, lastKnownAccounts: () => undefined,
  };
}

/** What VS Code does when the tree changes: the roots, the account's children, a TreeItem for each. */
async function paint(tree) {
  const [root] = await tree.getChildren();
  const children = await tree.getChildren(root);
  const items = children.map((c) => tree.getTreeItem(c));
  return { root, children, items };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const payload = (items) => JSON.stringify(items.map((i) => ({
  id: i.id, label: i.label, description: i.description, contextValue: i.contextValue, iconPath: i.iconPath,
  tooltip: i.tooltip?.value, accessibilityInformation: i.accessibilityInformation, collapsibleState: i.collapsibleState,
}))).length;

const first = [];
const refresh = [];
let sizes;
for (let r = 0; r < RUNS + 2; r++) {
  const model = fakeModel();
  const tree = new provider.TokensTreeProvider(model);
  model.account.settled = loadOf(N);
  let t = performance.now();
  const a = await paint(tree);
  const tFirst = performance.now() - t;
  // a refresh: the same tokens (new objects, as parsed from a new answer) and one made elsewhere
  model.account.settled = loadOf(N, [{ name: 'a-new-token', id: `new${r}`, createdAt: day(0) }]);
  t = performance.now();
  model.change.fire(undefined);
  const b = await paint(tree);
  const tRefresh = performance.now() - t;
  if (r >= 2) {
    first.push(tFirst);
    refresh.push(tRefresh);
  }
  if (b.children.length !== N + 1) throw new Error(`the refresh shows ${b.children.length} rows, not ${N + 1}`);
  sizes ??= { first: payload(a.items), refresh: payload(b.items), reused: b.children.filter((c) => a.children.includes(c)).length };
  tree.dispose();
}
console.log(`${N} tokens, median of ${RUNS} (Node ${process.versions.node})`);
console.log(`  first load: ${median(first).toFixed(1)} ms (min ${Math.min(...first).toFixed(1)}, max ${Math.max(...first).toFixed(1)})`);
console.log(`  refresh, one new token: ${median(refresh).toFixed(1)} ms (min ${Math.min(...refresh).toFixed(1)}, max ${Math.max(...refresh).toFixed(1)}); ${sizes.reused} of ${N + 1} rows the same objects as before`);
console.log(`  tree items as JSON: ${(sizes.first / 1024).toFixed(0)} KB (first load), ${(sizes.refresh / 1024).toFixed(0)} KB (refresh)`);
