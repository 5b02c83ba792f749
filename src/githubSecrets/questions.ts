/**
 * The save command's questions: repository, repository or environment, secret name. Each is a quick
 * pick that shows at once and fills in as answers arrive (busy meanwhile); Escape ends it (undefined).
 * A question closes when what it waits for fails (`abort`): the flow then says why.
 */
import * as vscode from 'vscode';
import { displayName } from '../util/text';
import { nameItems, parseTypedRepository, repositoryLabel, type RepositoryChoice } from './choices';
import type { GitHubRepository } from '../github/remotes';
import type { PlaceReads } from './prefetch';

interface AskOptions<T extends vscode.QuickPickItem> {
  title: string;
  placeholder: string;
  items: T[];
  /** The items once loaded (the pick is busy until then). */
  load?: Promise<T[]>;
  /** Rejects when the question is moot: the pick closes and the promise rejects with its reason. */
  abort?: Promise<never>;
  onValue?: (value: string, pick: vscode.QuickPick<T>) => void;
  /** Whether `item` ends the question (false keeps the pick open). */
  accepts?: (item: T, pick: vscode.QuickPick<T>) => boolean;
}

function ask<T extends vscode.QuickPickItem>(o: AskOptions<T>): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    const pick = vscode.window.createQuickPick<T>();
    let done = false;
    const subs: vscode.Disposable[] = [];
    const finish = (result: { item?: T } | { error: unknown }): void => {
      if (done) return;
      done = true;
      for (const s of subs.splice(0)) s.dispose();
      pick.hide();
      pick.dispose();
      if ('error' in result) reject(result.error);
      else resolve(result.item);
    };
    pick.title = o.title;
    pick.placeholder = o.placeholder;
    // A click in the token's panel (to check its name) must not end the question.
    pick.ignoreFocusOut = true;
    pick.matchOnDescription = true;
    pick.busy = o.load !== undefined;
    pick.items = o.items;
    subs.push(
      pick.onDidAccept(() => {
        const item = pick.selectedItems[0] ?? pick.activeItems[0];
        if (item && (!o.accepts || o.accepts(item, pick))) finish({ item });
      }),
      pick.onDidHide(() => finish({})),
    );
    if (o.onValue) {
      const onValue = o.onValue;
      subs.push(pick.onDidChangeValue((value) => onValue(value, pick)));
    }
    o.load?.then((items) => {
      if (done) return;
      pick.items = items;
      pick.busy = false;
    }, () => {
      pick.busy = false;
    });
    o.abort?.catch((error: unknown) => finish({ error }));
    pick.show();
  });
}

type RepositoryItem = vscode.QuickPickItem & { repository?: GitHubRepository };

/** Which repository: the workspace's (from its git remotes), or "Another repository…" typed. Undefined: Escape. */
export async function askRepository(choices: Promise<RepositoryChoice[]>): Promise<GitHubRepository | undefined> {
  const another: RepositoryItem = { label: vscode.l10n.t('Another repository…'), detail: vscode.l10n.t('Type owner/repo, or host/owner/repo for GitHub Enterprise Server') };
  const picked = await ask<RepositoryItem>({
    title: vscode.l10n.t('Save as GitHub Actions Secret: Repository'),
    placeholder: vscode.l10n.t('The repository whose workflows will read the token'),
    items: [another],
    load: choices.then((list) => [...list.map(repositoryItem), another], () => [another]),
  });
  if (!picked) {
    return undefined;
  }
  if (picked.repository) {
    return picked.repository;
  }
  const typed = await vscode.window.showInputBox({
    title: vscode.l10n.t('Save as GitHub Actions Secret: Repository'),
    placeHolder: vscode.l10n.t('owner/repo'),
    prompt: vscode.l10n.t('A repository on github.com (owner/repo), or on GitHub Enterprise Server (host/owner/repo)'),
    ignoreFocusOut: true,
    validateInput: (text) => (text.trim() === '' || parseTypedRepository(text) ? undefined : vscode.l10n.t('Type owner/repo or host/owner/repo.')),
  });
  return typed === undefined ? undefined : parseTypedRepository(typed);
}

function repositoryItem(choice: RepositoryChoice): RepositoryItem {
  const { repository, remotes } = choice;
  const host = repositoryLabel(repository) === `${repository.owner}/${repository.repo}` ? [] : [repository.host];
  return {
    label: displayName(`${repository.owner}/${repository.repo}`, 200),
    description: displayName([...host, remotes.join(', ')].filter(Boolean).join(' · '), 200),
    repository,
  };
}

type WhereItem = vscode.QuickPickItem & { environment?: string };

/** The repository itself or one of its environments: `{environment}` (undefined: the repository). Undefined: Escape. */
export async function askWhere(repoName: string, environments: Promise<string[]>, abort: Promise<never>): Promise<{ environment?: string } | undefined> {
  const repositoryItem: WhereItem = { label: vscode.l10n.t('Repository secret'), detail: vscode.l10n.t('Every workflow of {0} can read it', repoName) };
  const picked = await ask<WhereItem>({
    title: vscode.l10n.t('Save as GitHub Actions Secret: Where in {0}', repoName),
    placeholder: vscode.l10n.t('The repository, or one of its environments'),
    items: [repositoryItem],
    load: environments.then((names) => [repositoryItem, ...names.map((environment) => ({
      label: vscode.l10n.t('Environment: {0}', displayName(environment, 200)),
      detail: vscode.l10n.t('Only jobs that use the environment {0} can read it', displayName(environment, 200)),
      environment,
    }))]),
    abort,
  });
  return picked && { environment: picked.environment };
}

type NameItem = vscode.QuickPickItem & { name: string; hint?: string };

/** The secret's name: the default, one of the place's names, or one typed (GitHub's rule checked). Undefined: Escape. */
export async function askName(defaultName: string, reads: PlaceReads, abort: Promise<never>): Promise<string | undefined> {
  let existing: string[] = [];
  let typed = '';
  const itemsFor = (value: string): NameItem[] => nameItems(value, defaultName, existing)
    .map((i) => ({ label: displayName(i.label, 200), description: i.description, name: i.label, hint: i.hint, alwaysShow: true }));
  const picked = await ask<NameItem>({
    title: vscode.l10n.t('Save as GitHub Actions Secret: Name'),
    placeholder: vscode.l10n.t('The secret\'s name (type a new one, or pick one to replace its value)'),
    items: itemsFor(''),
    load: reads.names.then((names) => {
      existing = names;
      return itemsFor(typed);
    }),
    abort,
    onValue: (value, pick) => {
      typed = value;
      pick.items = itemsFor(value);
    },
    // A name GitHub would refuse keeps the pick open; the item says why.
    accepts: (item) => item.hint === undefined,
  });
  return picked?.name;
}
