// A small stand-in for the `vscode` module, so the VS Code glue of the auth parts (401 prompt, status
// bar, expiry warning) runs in plain Node. It records what would be shown and lets a test answer
// notifications. Only what those modules use is here; the real host is exercised by test/host.
import * as l10n from '@vscode/l10n';
import Module from 'node:module';
import { createRequire } from 'node:module';

type Listener<T> = (e: T) => void;

export class FakeEventEmitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>): { dispose(): void } => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export interface ShownMessage {
  severity: 'info' | 'warning' | 'error';
  message: string;
  items: string[];
  /** Closes the notification with this choice (undefined: dismissed). */
  answer(choice?: string): void;
}

export class FakeMarkdownString {
  value = '';
  /** What a reader sees: the text without Markdown escapes. */
  plain = '';
  isTrusted = false;
  supportHtml = false;
  constructor(value = '', readonly supportThemeIcons = false) {
    this.value = value;
  }
  appendMarkdown(text: string): this {
    this.value += text;
    this.plain += text.replace(/\*\*/g, '');
    return this;
  }
  appendText(text: string): this {
    this.value += text.replace(/[\\`*_{}[\]()#+\-.!<>|$]/g, '\\$&');
    this.plain += text;
    return this;
  }
}

export class FakeStatusBarItem {
  text = '';
  tooltip: string | FakeMarkdownString | undefined;
  command: { command: string; title: string } | string | undefined;
  backgroundColor: { id: string } | undefined;
  name: string | undefined;
  accessibilityInformation: { label: string } | undefined;
  visible = false;
  disposed = false;
  constructor(readonly id: string, readonly alignment: number, readonly priority: number) {}
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  dispose(): void {
    this.disposed = true;
    this.visible = false;
  }
  get tooltipText(): string {
    return typeof this.tooltip === 'string' ? this.tooltip : this.tooltip?.plain ?? '';
  }
}

export interface ShownQuickPick {
  items: { label: string; description?: string; detail?: string; iconPath?: { id: string } }[];
  options: { title?: string; placeHolder?: string };
  /** Picks the item whose label contains `text` (undefined: Escape). */
  choose(text?: string): void;
}

export interface ShownProgress {
  options: { title?: string; cancellable?: boolean };
  messages: string[];
  cancel(): void;
  done: boolean;
}

/** SecretStorage as a Map that fires onDidChange, as VS Code's does (in every window). */
export class FakeSecretStorage {
  readonly values = new Map<string, string>();
  private readonly changes = new FakeEventEmitter<{ key: string }>();
  readonly onDidChange = this.changes.event;
  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.values.get(key));
  }
  store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    this.changes.fire({ key });
    return Promise.resolve();
  }
  delete(key: string): Promise<void> {
    this.values.delete(key);
    this.changes.fire({ key });
    return Promise.resolve();
  }
}

export class FakeVscode {
  readonly messages: ShownMessage[] = [];
  readonly commands: { id: string; args: unknown[] }[] = [];
  readonly statusMessages: string[] = [];
  readonly statusItems: FakeStatusBarItem[] = [];
  readonly quickPicks: ShownQuickPick[] = [];
  readonly progress: ShownProgress[] = [];
  readonly logLines: string[] = [];
  readonly opened: string[] = [];
  /** `turso.*` settings. */
  config: Record<string, unknown> = {};
  /** What `env.openExternal` does with the URL (the test plays the browser); resolves like VS Code. */
  onOpenExternal: (url: string) => Promise<boolean> = () => Promise.resolve(true);
  /** What `env.asExternalUri` makes of a URL. */
  onAsExternalUri: (url: string) => string = (url) => url;
  readonly env: { remoteName: string | undefined; uiKind: number } = { remoteName: undefined, uiKind: 1 };

  readonly module = {
    __esModule: true,
    EventEmitter: FakeEventEmitter,
    MarkdownString: FakeMarkdownString,
    ThemeColor: class {
      constructor(readonly id: string) {}
    },
    ThemeIcon: class {
      constructor(readonly id: string) {}
    },
    StatusBarAlignment: { Left: 1, Right: 2 },
    // No bundle: the English source strings, formatted as `vscode.l10n.t` does.
    l10n: { t: l10n.t, bundle: undefined, uri: undefined },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    UIKind: { Desktop: 1, Web: 2 },
    Uri: {
      parse: (value: string) => ({ toString: () => value }),
    },
    env: {
      get remoteName(): string | undefined {
        return fake().env.remoteName;
      },
      get uiKind(): number {
        return fake().env.uiKind;
      },
      openExternal: (uri: { toString(): string }) => {
        this.opened.push(uri.toString());
        return this.onOpenExternal(uri.toString());
      },
      asExternalUri: (uri: { toString(): string }) => {
        const external = this.onAsExternalUri(uri.toString());
        return Promise.resolve({ toString: () => external });
      },
    },
    workspace: {
      getConfiguration: () => ({
        get: <T>(key: string, fallback: T): T => (key in this.config ? this.config[key] as T : fallback),
      }),
      onDidChangeConfiguration: new FakeEventEmitter<unknown>().event,
    },
    window: {
      showQuickPick: (items: ShownQuickPick['items'], options: ShownQuickPick['options']) => new Promise((resolve) => {
        this.quickPicks.push({
          items, options, choose: (text) => resolve(text === undefined ? undefined : items.find((i) => i.label.includes(text))),
        });
      }),
      withProgress: async <R>(options: ShownProgress['options'], task: (progress: unknown, token: unknown) => Promise<R>): Promise<R> => {
        const cancelled = new FakeEventEmitter<void>();
        const shown: ShownProgress = { options, messages: [], done: false, cancel: () => undefined };
        const token = { isCancellationRequested: false, onCancellationRequested: cancelled.event };
        shown.cancel = () => {
          token.isCancellationRequested = true;
          cancelled.fire();
        };
        this.progress.push(shown);
        try {
          return await task({ report: (v: { message?: string }) => v.message && shown.messages.push(v.message) }, token);
        } finally {
          shown.done = true;
        }
      },
      createOutputChannel: () => {
        const line = (level: string) => (text: string) => void this.logLines.push(`${level} ${text}`);
        return { info: line('info'), warn: line('warn'), error: line('error'), debug: line('debug'), trace: line('trace'), show: () => undefined, dispose: () => undefined };
      },
      showInformationMessage: (message: string, ...items: string[]) => this.show('info', message, items),
      showWarningMessage: (message: string, ...items: string[]) => this.show('warning', message, items),
      showErrorMessage: (message: string, ...items: string[]) => this.show('error', message, items),
      setStatusBarMessage: (text: string) => {
        this.statusMessages.push(text);
        return { dispose: () => undefined };
      },
      createStatusBarItem: (id: string, alignment: number, priority: number) => {
        const item = new FakeStatusBarItem(id, alignment, priority);
        this.statusItems.push(item);
        return item;
      },
    },
    commands: {
      executeCommand: (id: string, ...args: unknown[]) => {
        this.commands.push({ id, args });
        return Promise.resolve(undefined);
      },
    },
  };

  reset(): void {
    this.messages.length = 0;
    this.commands.length = 0;
    this.statusMessages.length = 0;
    this.statusItems.length = 0;
    this.quickPicks.length = 0;
    this.progress.length = 0;
    this.logLines.length = 0;
    this.opened.length = 0;
    this.config = {};
    this.onOpenExternal = () => Promise.resolve(true);
    this.onAsExternalUri = (url) => url;
    this.env.remoteName = undefined;
    this.env.uiKind = 1;
  }

  private show(severity: ShownMessage['severity'], message: string, items: string[]): Promise<string | undefined> {
    return new Promise((resolve) => {
      this.messages.push({ severity, message, items, answer: resolve });
    });
  }
}

/** One fake for the whole test process: modules loaded through it keep it. */
export const fakeVscode = new FakeVscode();
function fake(): FakeVscode {
  return fakeVscode;
}

const requireHere = createRequire(__filename);

/**
 * Loads a compiled module (path relative to this file) with `vscode` resolved to the fake. The
 * patch lasts only while it loads; the module keeps the fake.
 */
export function loadWithFakeVscode<T>(modulePath: string): T {
  const loader = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const original = loader._load;
  loader._load = function (request: string, parent: unknown, isMain: boolean): unknown {
    return request === 'vscode' ? fakeVscode.module : original.call(this, request, parent, isMain);
  };
  try {
    return requireHere(modulePath) as T;
  } finally {
    loader._load = original;
  }
}

/** Lets pending promise callbacks run (a notification answered, a command resolved). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}
