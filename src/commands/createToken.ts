import * as vscode from 'vscode';
import { reportAuthFailure } from '../auth/authFailures';
import type { TursoClient } from '../platform/client';
import { mayHaveTakenEffect, reasonAndHint, TursoApiError } from '../platform/errors';
import {
  PRESET_DESCRIPTIONS,
  SCOPE_DESCRIPTIONS,
  createdTokenListing,
  restrictionBody,
  restrictionLabel,
  type RestrictionChoice,
  type Scope,
  type ScopePreset,
} from '../platform/scopes';
import { checkTokenName, tokenNameRule, type TokenNameNote } from '../platform/tokenNames';
import { ALL_SCOPES, type CreatedApiToken, type Organization } from '../platform/types';
import { showErrorMessage, showInformationMessage } from '../ui/notify';
import { organizationItems, type OrganizationItem } from '../ui/organizationItems';
import { pick } from '../ui/pickers';
import { displayName, inertText } from '../util/text';
import type { PendingToken, RevealHandle, RevealOptions } from '../webview/revealPanel';
import { errorMessage } from '../util/errors';
import type { CommandDeps } from './deps';
import { reportFailure } from './failures';
import { automationOf, rowAccount, rowOf } from './target';

/** `organizations`: a token created for an account whose organizations' list is shown joins it. */
export interface CreateTokenDeps extends Pick<CommandDeps, 'accounts' | 'organizations' | 'log'> {
  /** Opens the reveal panel of a token being created; its value follows (src/webview/revealPanel.ts openReveal). */
  openReveal(token: PendingToken, options: RevealOptions): RevealHandle;
}

export interface CreateTokenOptions {
  /** Offer "Use for this extension" as the main action of the reveal (after a 7-day login). */
  useForExtension?: boolean;
  /** Automation (the product's own, src/commands/target.ts): skip the name step (the name is still checked by the server). */
  name?: string;
  /** Automation (the product's own): skip the access steps. */
  restriction?: RestrictionChoice;
}

/**
 * The options the command was given: a name and an access only from the product's own code; from
 * anyone else (another extension) at most "Use for this extension" first, which changes no question.
 */
function optionsOf(arg: unknown): CreateTokenOptions {
  const own = automationOf<CreateTokenOptions>(arg);
  if (own) {
    return own;
  }
  const useForExtension = typeof arg === 'object' && arg !== null && 'useForExtension' in arg && arg.useForExtension === true;
  return useForExtension ? { useForExtension } : {};
}

/** What the command resolves to: never the token's value. */
export interface CreateTokenResult {
  name: string;
  id: string;
}


/**
 * `turso.createToken`: name → restriction (organization, group + scopes, or unrestricted) → one
 * request → the value shown once. Cancelling at any step creates nothing; a failed request keeps
 * the choices so the user can change the name or try again.
 */
export function createTokenCommand(deps: CreateTokenDeps) {
  /** Create requests on the network now (never counts a wait for the person). */
  let inFlight = 0;
  return async (node?: unknown, given?: unknown): Promise<CreateTokenResult | undefined> => {
    const options = optionsOf(given);
    // From an account's row: that account; from the palette: the active one.
    const accountId = rowAccount(node) ?? deps.accounts.activeId;
    // From an organization's row: that organization is chosen already.
    const preselected = organizationOf(node);
    const client = accountId === undefined ? undefined : deps.accounts.clientFor(accountId);
    if (!client) {
      void promptSignIn();
      return undefined;
    }
    if (inFlight > 0) {
      void showInformationMessage(vscode.l10n.t('An API token is being created already.'));
      return undefined;
    }
    // Asked for now, used two steps later: the organizations arrive while the user types a name.
    const organizations = options.restriction || preselected !== undefined ? Promise.resolve([]) : client.listOrganizations();
    organizations.catch(() => undefined);

    const asked = options.name ?? (await askName(deps, client, undefined, accountId));
    if (asked === undefined) {
      return undefined;
    }
    let name: string = asked;
    let choice: RestrictionChoice | undefined;
    try {
      choice = options.restriction ?? (await askRestriction(client, organizations, preselected));
    } catch (err) {
      reportFailure(deps.log, 'Loading organizations or groups failed', err);
      return undefined;
    }
    if (!choice) {
      return undefined;
    }
    for (;;) {
      // Marks the request only: it is cleared as soon as the answer is in, before anything asks the
      // person (a notification left unanswered must not block the next create).
      inFlight += 1;
      // The panel opens now and says the token is being created: its page loads during the request.
      const reveal = deps.openReveal({ name, scopeLabel: restrictionLabel(choice) }, { preselectUse: options.useForExtension });
      let sent: { created: CreatedApiToken } | { error: unknown };
      try {
        sent = {
          created: await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Creating API token "{0}"…', displayName(name)) },
            () => client.createApiToken(name, restrictionBody(choice)),
          ),
        };
      } catch (error) {
        sent = { error };
      } finally {
        inFlight -= 1;
      }
      if ('error' in sent) {
        const err = sent.error;
        reveal.abandon();
        await reveal.outcome;
        deps.log.error(`Creating API token "${name}" failed`, err);
        if (mayHaveTakenEffect(err)) {
          // It may exist now, without its value: the list shows whether it does.
          deps.accounts.refresh();
        }
        const retry = await offerRetry(err, name, options.name === undefined);
        if (retry === 'rename') {
          const renamed = await askName(deps, client, name, accountId);
          if (renamed === undefined) {
            return undefined;
          }
          name = renamed;
          continue;
        }
        if (retry === 'again') {
          continue;
        }
        return undefined;
      }
      const { created } = sent;
      reveal.deliver(created.token, created.id);
      deps.log.info(`Created API token "${created.name}" (${restrictionLabel(choice)})`);
      // The answer to the create is all the new row needs: no second trip for the list.
      const listing = createdTokenListing(created.name, created.id, choice, new Date().toISOString().slice(0, 10));
      deps.accounts.addToken(listing, accountId);
      const creator = deps.accounts.account(accountId);
      if (listing.organization && creator?.username) {
        deps.organizations.existing(accountId)?.addToken({ ...listing, organization: listing.organization, owner: { username: creator.username } });
      }
      await reveal.outcome;
      return { name: created.name, id: created.id };
    }
  };
}

export async function promptSignIn(): Promise<void> {
  const choice = await showInformationMessage(vscode.l10n.t('Sign in to Turso first.'), vscode.l10n.t('Sign In…'));
  if (choice) {
    await vscode.commands.executeCommand('turso.signIn');
  }
}

async function askName(deps: CreateTokenDeps, client: TursoClient, value?: string, accountId?: string): Promise<string | undefined> {
  const known = deps.accounts.knownTokens(accountId);
  const existing = known
    ? Promise.resolve(known.map((t) => t.name))
    : client.listApiTokens().then((tokens) => tokens.map((t) => t.name), () => [] as string[]);
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Create API Token (1/2): Name'),
    prompt: vscode.l10n.t('A name to recognise the token by. Turso checks it; names have been {0}.', tokenNameRule()),
    placeHolder: vscode.l10n.t('e.g. ci-deploy'),
    value,
    ignoreFocusOut: true,
    validateInput: async (text) => nameMessage(checkTokenName(text.trim(), await existing)),
  });
  return name?.trim() || undefined;
}

/**
 * The rule as a hint while typing: a warning lets the name be accepted (Turso decides, and its
 * reason is shown with Change Name); only an empty name is an error, which blocks Enter.
 */
export function nameMessage(note: TokenNameNote | undefined): vscode.InputBoxValidationMessage | undefined {
  if (!note) {
    return undefined;
  }
  // Quick input messages render links; the name typed (or one listed by the server) is in it.
  const message = inertText(note.message);
  return note.kind === 'refuse'
    ? { message, severity: vscode.InputBoxValidationSeverity.Error }
    : { message, severity: vscode.InputBoxValidationSeverity.Warning };
}

interface KindItem extends vscode.QuickPickItem {
  restriction: RestrictionChoice['kind'];
}
interface GroupItem extends vscode.QuickPickItem {
  /** The name as the API has it; the label is only its display. */
  group: string;
}
interface ScopeItem extends vscode.QuickPickItem {
  scope: Scope | ScopePreset;
}

/** The organization of an organization's row (the command's tree argument), if that is what it is. */
function organizationOf(node: unknown): string | undefined {
  return rowOf(node, 'organization')?.organization.slug;
}

async function askRestriction(
  client: TursoClient,
  organizations: Promise<Organization[]>,
  preselected?: string,
): Promise<RestrictionChoice | undefined> {
  const kinds: KindItem[] = [
    {
      restriction: 'org',
      label: vscode.l10n.t('Organization'),
      description: vscode.l10n.t('Recommended'),
      detail: vscode.l10n.t('Full access to one organization'),
    },
    { restriction: 'group', label: vscode.l10n.t('Group in an organization'), detail: vscode.l10n.t("Only the permissions you choose, on one group's databases") },
    {
      restriction: 'unrestricted',
      label: vscode.l10n.t('Unrestricted (deprecated)'),
      detail: vscode.l10n.t('Every organization you belong to — Turso will remove this kind of token'),
    },
  ];
  const kind = (await pick<KindItem>({
    title: preselected === undefined
      ? vscode.l10n.t('Create API Token (2/2): Access')
      : vscode.l10n.t('Create API Token (2/2): Access to {0}', displayName(preselected)),
    placeholder: vscode.l10n.t('What may the token do?'),
    // For one organization: an unrestricted token would not be that organization's.
    items: preselected === undefined ? kinds : kinds.filter((k) => k.restriction !== 'unrestricted'),
  }))?.[0]?.restriction;
  if (!kind) {
    return undefined;
  }
  if (kind === 'unrestricted') {
    return { kind };
  }
  const orgItems = organizations.then(organizationItems);
  const organization = preselected ?? (await pick<OrganizationItem>({
    title: vscode.l10n.t('Create API Token: Organization'),
    placeholder: vscode.l10n.t('Pick the organization'),
    items: orgItems,
  }))?.[0]?.slug;
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
          description: g.primary ? vscode.l10n.t('primary location {0}', displayName(g.primary)) : undefined,
          iconPath: new vscode.ThemeIcon('folder-library'),
        }))
      : Promise.reject(new Error(vscode.l10n.t('The organization "{0}" has no groups.', displayName(organization)))),
  );
  const group = (await pick<GroupItem>({
    title: vscode.l10n.t('Create API Token: Group in {0}', displayName(organization)),
    placeholder: vscode.l10n.t('Pick the group'),
    items: groupItems,
  }))?.[0]?.group;
  if (!group) {
    return undefined;
  }
  const scopeItems: ScopeItem[] = [
    { scope: 'read-only', label: 'read-only', description: PRESET_DESCRIPTIONS['read-only'] },
    { scope: 'full-access', label: 'full-access', description: PRESET_DESCRIPTIONS['full-access'] },
    // A separator cannot be picked; its `scope` is never read.
    { scope: 'read', label: vscode.l10n.t('Individual scopes'), kind: vscode.QuickPickItemKind.Separator },
    ...ALL_SCOPES.map<ScopeItem>((scope) => ({ scope, label: scope, description: SCOPE_DESCRIPTIONS[scope] })),
  ];
  const scopes = await pick<ScopeItem>({
    title: vscode.l10n.t('Create API Token: Permissions on {0}', displayName(`${organization}/${group}`, 128)),
    placeholder: vscode.l10n.t('Pick one or more scopes (Space to select, Enter to accept)'),
    items: scopeItems,
    canPickMany: true,
    selected: (item) => item.scope === 'read-only',
    validate: (picked) => (picked.length ? undefined : vscode.l10n.t('Pick at least one scope')),
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
  const reason = err instanceof TursoApiError ? reasonAndHint(err) : errorMessage(err);
  if (mayHaveTakenEffect(err)) {
    const unknown = vscode.l10n.t(
      "Couldn't confirm that API token \"{0}\" was created: {1} It may have been created without its value reaching VS Code: if \"{0}\" appears in the list, revoke it and create another.",
      shown,
      reason,
    );
    return (await ask(unknown, vscode.l10n.t('Try Again'))) ? 'again' : undefined;
  }
  const message = vscode.l10n.t("Couldn't create API token \"{0}\": {1}", shown, reason);
  if (err instanceof TursoApiError && (err.kind === 'conflict' || err.kind === 'badRequest')) {
    return (await ask(message, vscode.l10n.t('Change Name'))) ? 'rename' : undefined;
  }
  if (err instanceof TursoApiError && (err.kind === 'unauthorized' || err.kind === 'forbidden' || err.kind === 'notFound')) {
    void showErrorMessage(message);
    return undefined;
  }
  return (await ask(message, vscode.l10n.t('Try Again'))) ? 'again' : undefined;
}
