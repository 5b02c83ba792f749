import * as vscode from 'vscode';

export interface PickOptions<T extends vscode.QuickPickItem> {
  title: string;
  placeholder: string;
  /** Items, or a promise of them: the picker shows a busy state while it resolves. */
  items: readonly T[] | Promise<readonly T[]>;
  canPickMany?: boolean;
  /** Items selected when the list appears (multi-select only). */
  selected?: (item: T) => boolean;
  /** Why the current selection can't be accepted, or undefined (multi-select only). */
  validate?: (picked: readonly T[]) => string | undefined;
  /** Multi-select: accepting with nothing selected resolves to [] (an optional choice), not ignored. */
  allowEmpty?: boolean;
}

/**
 * A quick pick that can wait for its items (showing progress instead of an empty list) and reports a
 * failure to load them. Resolves to the picked items, or undefined when cancelled.
 */
export function pick<T extends vscode.QuickPickItem>(options: PickOptions<T>): Promise<T[] | undefined> {
  return new Promise((resolve, reject) => {
    const qp = vscode.window.createQuickPick<T>();
    qp.title = options.title;
    qp.placeholder = options.placeholder;
    qp.canSelectMany = options.canPickMany ?? false;
    qp.ignoreFocusOut = true;
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    let done = false;
    const finish = (value: T[] | undefined, error?: unknown): void => {
      if (done) {
        return;
      }
      done = true;
      qp.hide();
      qp.dispose();
      if (error !== undefined) {
        reject(error);
      } else {
        resolve(value);
      }
    };
    qp.onDidAccept(() => {
      if (qp.busy) {
        return;
      }
      const picked = qp.canSelectMany ? [...qp.selectedItems] : [...qp.activeItems].slice(0, 1);
      if (picked.length === 0 && !(qp.canSelectMany && options.allowEmpty)) {
        return;
      }
      const problem = options.validate?.(picked);
      if (problem) {
        // Shown under the title; the selection stays as it was.
        qp.title = `${options.title} — ${problem}`;
        return;
      }
      finish(picked);
    });
    qp.onDidChangeSelection(() => {
      if (qp.canSelectMany) {
        qp.title = options.title;
      }
    });
    qp.onDidHide(() => finish(undefined));
    qp.busy = true;
    qp.enabled = false;
    qp.show();
    Promise.resolve(options.items).then(
      (items) => {
        if (done) {
          return;
        }
        qp.items = items;
        if (qp.canSelectMany && options.selected) {
          qp.selectedItems = items.filter(options.selected);
        }
        qp.busy = false;
        qp.enabled = true;
      },
      (err) => finish(undefined, err),
    );
  });
}
