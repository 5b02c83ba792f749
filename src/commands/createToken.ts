import * as vscode from 'vscode';
import { reportAuthFailure } from '../auth/authFailures';
import type { Session } from '../auth/session';
import type { Log } from '../log';
import type { TursoClient } from '../platform/client';
import { mayHaveTakenEffect, reasonAndHint, TursoApiError } from '../platform/errors';
import {
  PRESET_DESCRIPTIONS,
  SCOPE_DESCRIPTIONS,
  restrictionBody,
  restrictionLabel,
  type RestrictionChoice,
  type Scope,
  type ScopePreset,
} from '../platform/scopes';
import { checkTokenName, TOKEN_NAME_RULE } from '../platform/tokenNames';
import { ALL_SCOPES, type CreatedApiToken, type Organization } from '../platform/types';
import { showErrorMessage, showInformationMessage } from '../ui/notify';
import { pick } from '../ui/pickers';
import { displayName } from '../util/text';
import type { TokensTreeProvider } from '../views/tokensTreeProvider';
import type { RevealedToken, RevealOptions } from '../webview/revealPanel';

export interface CreateTokenDeps {
  session: Session;
  tree: TokensTreeProvider;
  log: Log;
  reveal(token: RevealedToken, options: RevealOptions): Promise<unknown>;
}

export interface CreateTokenOptions {
  /** Offer "Use for this extension" as the main action of the reveal (after a 7-day login). */
  useForExtension?: boolean;
  /** Automation: skip the name step (the name is still checked by the server). */
  name?: string;
  /** Automation: skip the access steps. */
  restriction?: RestrictionChoice;
}

/** What the command resolves to: never the token's value. */
export interface CreateTokenResult {
  name: string;
  id: string;
}

const TITLE = 'Create API Token';

/**
 * `turso.createToken`: name → restriction (organization, group + scopes, or unrestricted) → one
 * request → the value shown once. Cancelling at any step creates nothing; a failed request keeps
 * the choices so the user can change the name or try again.
 */
export function createTokenCommand(deps: CreateTokenDeps) {
  let inFlight = false;
  return async (_node?: unknown, options: CreateTokenOptions = {}): Promise<CreateTokenResult | undefined> => {
    const client = deps.session.client();
    if (!client) {
      void promptSignIn();
      return undefined;
    }
    if (inFlight) {
      void showInformationMessage('An API token is being created already.');
      return undefined;
    }
    // Asked for now, used two steps later: the organizations arrive while the user types a name.
    const organizations = options.restriction ? Promise.resolve([]) : client.listOrganizations();
    organizations.catch(() => undefined);

    let name = options.name ?? (await askName(deps, client));
    if (name === undefined) {
      return undefined;
    }
    let choice: RestrictionChoice | undefined;
    try {
      choice = options.restriction ?? (await askRestriction(client, organizations));
    } catch (err) {
      deps.log.error('Loading organizations or groups failed', err);
      if (!reportAuthFailure(err)) {
        void showErrorMessage(err instanceof Error ? err.message : String(err));
      }
      return undefined;
    }
    if (!choice) {
      return undefined;
    }
    for (;;) {
      let created: CreatedApiToken;
      inFlight = true;
      try {
        created = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Creating API token "${displayName(name as string)}"…` },
          () => client.createApiToken(name as string, restrictionBody(choice)),
        );
      } catch (err) {
        deps.log.error(`Creating API token "${name}" failed`, err);
        if (mayHaveTakenEffect(err)) {
          // It may exist now, without its value: the list shows whether it does.
          deps.tree.refresh();
        }
        const retry = await offerRetry(err, name, options.name === undefined);
        if (retry === 'rename') {
          name = await askName(deps, client, name);
          if (name === undefined) {
            return undefined;
          }
          continue;
        }
        if (retry === 'again') {
          continue;
        }
        return undefined;
      } finally {
        inFlight = false;
      }
      deps.log.info(`Created API token "${created.name}" (${restrictionLabel(choice)})`);
      deps.tree.refresh();
      await deps.reveal(
        { name: created.name, id: created.id, value: created.token, scopeLabel: restrictionLabel(choice) },
        { preselectUse: options.useForExtension },
      );
      return { name: created.name, id: created.id };
    }
  };
}

async function promptSignIn(): Promise<void> {
  const choice = await showInformationMessage('Sign in to Turso first.', 'Sign In…');
  if (choice) {
    await vscode.commands.executeCommand('turso.signIn');
  }
}

async function askName(deps: CreateTokenDeps, client: TursoClient, value?: string): Promise<string | undefined> {
  const known = deps.tree.knownTokens();
  const existing = known
    ? Promise.resolve(known.map((t) => t.name))
    : client.listApiTokens().then((tokens) => tokens.map((t) => t.name), () => [] as string[]);
  const name = await vscode.window.showInputBox({
    title: `${TITLE} (1/2): Name`,
    prompt: `A name to recognise the token by: ${TOKEN_NAME_RULE}.`,
    placeHolder: 'e.g. ci-deploy',
    value,
    ignoreFocusOut: true,
    validateInput: async (text) => checkTokenName(text.trim(), await existing),
  });
  return name?.trim() || undefined;
}

interface KindItem extends vscode.QuickPickItem {
  restriction: RestrictionChoice['kind'];
}
interface OrgItem extends vscode.QuickPickItem {
  slug: string;
}
interface GroupItem extends vscode.QuickPickItem {
  /** The name as the API has it; the label is only its display. */
  group: string;
}
interface ScopeItem extends vscode.QuickPickItem {
  scope: Scope | ScopePreset;
}

async function askRestriction(client: TursoClient, organizations: Promise<Organization[]>): Promise<RestrictionChoice | undefined> {
  const kinds: KindItem[] = [
    { restriction: 'org', label: 'Organization', description: 'Recommended', detail: 'Full access to one organization' },
    { restriction: 'group', label: 'Group in an organization', detail: "Only the permissions you choose, on one group's databases" },
    { restriction: 'unrestricted', label: 'Unrestricted (deprecated)', detail: 'Every organization you belong to — Turso will remove this kind of token' },
  ];
  const kind = (await pick<KindItem>({ title: `${TITLE} (2/2): Access`, placeholder: 'What may the token do?', items: kinds }))?.[0]?.restriction;
  if (!kind) {
    return undefined;
  }
  if (kind === 'unrestricted') {
    return { kind };
  }
  const orgItems = organizations.then((orgs) =>
    orgs.map<OrgItem>((o) => ({
      slug: o.slug,
      // Server text, shown as is by the picker: made inert (control and bidirectional characters).
      label: displayName(o.slug, 128),
      description: o.name !== o.slug ? displayName(o.name, 128) : undefined,
      detail: o.type === 'personal' ? 'Personal organization' : o.type === 'team' ? 'Team organization' : undefined,
      iconPath: new vscode.ThemeIcon(o.type === 'personal' ? 'account' : 'organization'),
    })),
  );
  const organization = (await pick<OrgItem>({ title: `${TITLE}: Organization`, placeholder: 'Pick the organization', items: orgItems }))?.[0]?.slug;
  if (!organization) {
    return undefined;
  }
  if (kind === 'org') {
    return { kind, organization };
  }
  const groupItems = client.listGroups(organization).then((groups) =>
    groups.length
      ? groups.map<GroupItem>((g) => ({
          group: g.name,
          label: displayName(g.name, 128),
          description: g.primary ? `primary location ${g.primary}` : undefined,
          iconPath: new vscode.ThemeIcon('folder-library'),
        }))
      : Promise.reject(new Error(`The organization "${displayName(organization)}" has no groups.`)),
  );
  const group = (await pick<GroupItem>({ title: `${TITLE}: Group in ${displayName(organization)}`, placeholder: 'Pick the group', items: groupItems }))?.[0]?.group;
  if (!group) {
    return undefined;
  }
  const scopeItems: ScopeItem[] = [
    { scope: 'read-only', label: 'read-only', description: PRESET_DESCRIPTIONS['read-only'] },
    { scope: 'full-access', label: 'full-access', description: PRESET_DESCRIPTIONS['full-access'] },
    // A separator cannot be picked; its `scope` is never read.
    { scope: 'read', label: 'Individual scopes', kind: vscode.QuickPickItemKind.Separator },
    ...ALL_SCOPES.map<ScopeItem>((scope) => ({ scope, label: scope, description: SCOPE_DESCRIPTIONS[scope] })),
  ];
  const scopes = await pick<ScopeItem>({
    title: `${TITLE}: Permissions on ${displayName(`${organization}/${group}`, 128)}`,
    placeholder: 'Pick one or more scopes (Space to select, Enter to accept)',
    items: scopeItems,
    canPickMany: true,
    selected: (item) => item.scope === 'read-only',
    validate: (picked) => (picked.length ? undefined : 'Pick at least one scope'),
  });
  if (!scopes?.length) {
    return undefined;
  }
  return { kind, organization, group, scopes: scopes.map((s) => s.scope) };
}

/**
 * Tells what went wrong and offers the way on. Not `interactive` (automation gave the name): the
 * message is shown without waiting for an answer, so the command resolves at once.
 */
async function offerRetry(err: unknown, name: string, interactive: boolean): Promise<'rename' | 'again' | undefined> {
  if (reportAuthFailure(err)) {
    return undefined;
  }
  const ask = async (message: string, action: string): Promise<boolean> => {
    if (!interactive) {
      void showErrorMessage(message);
      return false;
    }
    return (await showErrorMessage(message, action)) !== undefined;
  };
  const shown = displayName(name);
  const reason = err instanceof TursoApiError ? reasonAndHint(err) : err instanceof Error ? err.message : String(err);
  if (mayHaveTakenEffect(err)) {
    const unknown = `Couldn't confirm that API token "${shown}" was created: ${reason} ` +
      `It may have been created without its value reaching VS Code: if "${shown}" appears in the list, revoke it and create another.`;
    return (await ask(unknown, 'Try Again')) ? 'again' : undefined;
  }
  const message = `Couldn't create API token "${shown}": ${reason}`;
  if (err instanceof TursoApiError && (err.kind === 'conflict' || err.kind === 'badRequest')) {
    return (await ask(message, 'Change Name')) ? 'rename' : undefined;
  }
  if (err instanceof TursoApiError && (err.kind === 'unauthorized' || err.kind === 'forbidden' || err.kind === 'notFound')) {
    void showErrorMessage(message);
    return undefined;
  }
  return (await ask(message, 'Try Again')) ? 'again' : undefined;
}
