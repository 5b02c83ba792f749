// A stand-in for `window.createQuickPick` that answers as a person would, for the in-host suites whose
// commands ask through quick picks they fill in while loading (the GitHub secrets questions); and
// small helpers those suites share.
import { execFileSync } from 'child_process';
import * as vscode from 'vscode';

export type Item = vscode.QuickPickItem;
export interface Seen { title: string; items: { label: string; description?: string; detail?: string }[]; busyAtFirst: boolean }
/** What a test answers a picker with: an item (accepted), text typed into it, Escape, or nothing yet. */
export type Answer = { accept: Item } | { type: string } | 'escape' | undefined;
export type Answerer = (title: string, items: readonly Item[], value: string) => Answer;

/**
 * A stand-in for `window.createQuickPick`: records each picker (title, items once loaded) and, each
 * time its items change while it is not busy, asks `answerer` what a person would do.
 */
export function drivenQuickPick(seen: Seen[], answerer: () => Answerer, onAccept: (title: string, item: Item) => void): vscode.QuickPick<Item> {
  const accept = new vscode.EventEmitter<void>();
  const hide = new vscode.EventEmitter<void>();
  const changeValue = new vscode.EventEmitter<string>();
  let items: readonly Item[] = [];
  let busy = false;
  let hidden = false;
  let record: Seen | undefined;
  const check = () => setTimeout(() => {
    if (hidden || busy || !record) return;
    record.items = items.map((i) => ({ label: i.label, description: i.description, detail: i.detail }));
    const answer = answerer()(qp.title, items, qp.value);
    if (answer === undefined) return;
    if (answer === 'escape') {
      hidden = true;
      hide.fire();
    } else if ('type' in answer) {
      qp.value = answer.type;
      changeValue.fire(answer.type);
    } else {
      qp.activeItems = [answer.accept];
      qp.selectedItems = [answer.accept];
      onAccept(qp.title, answer.accept);
      accept.fire();
      check();
    }
  }, 0);
  const qp = {
    title: '', placeholder: '', value: '', ignoreFocusOut: false, matchOnDescription: false, enabled: true,
    activeItems: [] as Item[], selectedItems: [] as Item[],
    get busy() { return busy; },
    set busy(v: boolean) { busy = v; check(); },
    get items() { return items; },
    set items(v: readonly Item[]) { items = v; check(); },
    onDidAccept: accept.event,
    onDidHide: hide.event,
    onDidChangeValue: changeValue.event,
    onDidChangeSelection: new vscode.EventEmitter<readonly Item[]>().event,
    onDidChangeActive: new vscode.EventEmitter<readonly Item[]>().event,
    show: () => {
      record = { title: qp.title, items: [], busyAtFirst: busy };
      seen.push(record);
      check();
    },
    hide: () => {
      if (!hidden) {
        hidden = true;
        hide.fire();
      }
    },
    dispose: () => undefined,
  };
  return qp as unknown as vscode.QuickPick<Item>;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `p`, or a rejection saying `message` after `ms`. */
export function within<T>(p: Thenable<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${message} (after ${ms / 1000} s)`)), ms); });
  return Promise.race([Promise.resolve(p), late]).finally(() => clearTimeout(timer));
}
