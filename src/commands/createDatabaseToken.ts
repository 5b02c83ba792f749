import * as vscode from 'vscode';
import { reportAuthFailure } from '../auth/authFailures';
import type { TursoClient } from '../platform/client';
import type { Database, DatabaseTokenAccess, DatabaseTokenRequest, DatabaseTokenTarget } from '../platform/databases';
import { reasonAndHint, TursoApiError } from '../platform/errors';
import { showErrorMessage } from '../ui/notify';
import { pick } from '../ui/pickers';
import { errorMessage } from '../util/errors';
import { displayName } from '../util/text';
import type { EnvVar } from '../workspace/saveEnv';
import type { PendingToken, RevealHandle, RevealOptions } from '../webview/revealPanel';
import { promptSignIn } from './createToken';
import {
  accessLabel, attachCandidates, DATABASE_URL_ENV_VAR, databaseUrl, expirationProblem, expiryChoices, groupsOf, revealAccessLine,
  targetLabel, typedExpiration, type ExpiryChoice,
} from './databaseTokenChoices';
import {
  organizationDatabases, pickOrganization, pickTarget, refuseViewer, sayNoDatabases, startOf, type DatabaseCommandDeps,
} from './databaseTargets';

export interface CreateDatabaseTokenDeps extends DatabaseCommandDeps {
  /** Opens the reveal panel of a token being created; its value follows (src/webview/revealPanel.ts openReveal). */
  openReveal(token: PendingToken, options: RevealOptions): RevealHandle;
}

/** What the command resolves to: never the token's value. */
export type CreateDatabaseTokenResult = 'created' | 'cancelled' | 'refused' | 'failed';

/** What the person chose, before anything is minted. */
interface Plan {
  organization: string;
  target: DatabaseTokenTarget;
  request: DatabaseTokenRequest & { readAttach: readonly string[] };
  databases: readonly Database[];
}

/**
 * `turso.createDatabaseToken`: organization (skipped when the row gives it, or there is only one) →
 * a database or a whole group (skipped from a database's row) → expiry → access → databases it may
 * also read through ATTACH (optional; not asked when there is no other) → one request → the value
 * shown once, in the reveal panel, whose Save to .env writes it with its database's URL. Escape at
 * any step: nothing is created, nothing is said. Once created, the value is shown (the panel, or
 * its rescue) whatever happens next.
 */
export function createDatabaseTokenCommand(deps: CreateDatabaseTokenDeps) {
  return async (node?: unknown): Promise<CreateDatabaseTokenResult> => {
    const start = startOf(deps, node);
    if (!start) {
      void promptSignIn();
      return 'cancelled';
    }
    const organization = start.organization
      ?? (await pickOrganization(deps, start.client, vscode.l10n.t('Create Database Token: Organization')));
    if (!organization) {
      return 'cancelled';
    }
    const known = await organizationDatabases(deps, start, organization);
    if (!known) {
      return 'failed';
    }
    if (refuseViewer(known.role, organization, 'create')) {
      return 'refused';
    }
    if (!known.databases.length) {
      sayNoDatabases(organization);
      return 'cancelled';
    }
    const plan = await askPlan(organization, known.databases, start.database);
    if (!plan) {
      return 'cancelled';
    }
    return mint(deps, start.client, plan);
  };
}

async function askPlan(organization: string, databases: readonly Database[], fromRow: Database | undefined): Promise<Plan | undefined> {
  const target: DatabaseTokenTarget | undefined = fromRow
    ? { kind: 'database', name: fromRow.name }
    : await pickTarget(
      databases,
      vscode.l10n.t('Create Database Token: Database or Group in {0}', displayName(organization)),
      vscode.l10n.t('A token for one database, or for every database of a group'),
    );
  if (!target) {
    return undefined;
  }
  const shown = targetLabel(target);
  const expiration = await askExpiration(shown);
  if (!expiration) {
    return undefined;
  }
  const access = await askAccess(shown);
  if (!access) {
    return undefined;
  }
  const candidates = attachCandidates(databases, target);
  const readAttach = candidates.length && databases.length > 1 ? await askReadAttach(shown, candidates) : [];
  if (!readAttach) {
    return undefined;
  }
  return { organization, target, request: { expiration, access, readAttach }, databases };
}

interface ExpiryItem extends vscode.QuickPickItem {
  choice: ExpiryChoice;
}

async function askExpiration(shown: string): Promise<string | undefined> {
  const items = expiryChoices().map<ExpiryItem>((choice) => ({
    choice,
    label: choice.label,
    description: choice.expiration === undefined ? vscode.l10n.t('e.g. 2w1d or 12h') : undefined,
  }));
  const picked = (await pick<ExpiryItem>({
    title: vscode.l10n.t('Create Database Token for {0}: Expiry', shown),
    placeholder: vscode.l10n.t('When does the token stop working?'),
    items,
  }))?.[0]?.choice;
  if (!picked) {
    return undefined;
  }
  if (picked.expiration !== undefined) {
    return picked.expiration;
  }
  const typed = await vscode.window.showInputBox({
    title: vscode.l10n.t('Create Database Token for {0}: Custom Expiry', shown),
    prompt: vscode.l10n.t('Weeks, days, hours, minutes, seconds, largest first: 2w1d, 1d12h, 90m; or never'),
    placeHolder: '2w1d',
    ignoreFocusOut: true,
    validateInput: (text) => expirationProblem(text),
  });
  return typed === undefined || expirationProblem(typed) ? undefined : typedExpiration(typed);
}

interface AccessItem extends vscode.QuickPickItem {
  access: DatabaseTokenAccess;
}

async function askAccess(shown: string): Promise<DatabaseTokenAccess | undefined> {
  return (await pick<AccessItem>({
    title: vscode.l10n.t('Create Database Token for {0}: Access', shown),
    placeholder: vscode.l10n.t('What may the token do?'),
    items: [
      { access: 'full-access', label: vscode.l10n.t('Full access'), detail: vscode.l10n.t('Read and write') },
      { access: 'read-only', label: vscode.l10n.t('Read-only'), detail: vscode.l10n.t('Read only: every write is refused') },
    ],
  }))?.[0]?.access;
}

interface AttachItem extends vscode.QuickPickItem {
  database: string;
}

/** The other databases it may read through ATTACH: [] for none, undefined when dismissed. */
async function askReadAttach(shown: string, candidates: readonly Database[]): Promise<string[] | undefined> {
  const picked = await pick<AttachItem>({
    title: vscode.l10n.t('Create Database Token for {0}: Read Other Databases (optional)', shown),
    placeholder: vscode.l10n.t('Databases it may also read through ATTACH (Space to select; Enter with none selected for none)'),
    items: candidates.map((d) => ({ database: d.name, label: displayName(d.name, 128), description: d.group ? vscode.l10n.t('group {0}', displayName(d.group)) : undefined })),
    canPickMany: true,
    allowEmpty: true,
  });
  return picked?.map((p) => p.database);
}

/** One request, with the panel already open; the value delivered to it, or the panel closed unasked when nothing was made. */
async function mint(deps: CreateDatabaseTokenDeps, client: Pick<TursoClient, 'createDatabaseToken'>, plan: Plan): Promise<CreateDatabaseTokenResult> {
  const { organization, target, request } = plan;
  const shown = targetLabel(target);
  const reveal = deps.openReveal(
    { name: shown, scopeLabel: revealAccessLine(organization, request.access, request.expiration, request.readAttach) },
    { database: { companions: () => companionsFor(plan) } },
  );
  let jwt: string;
  try {
    jwt = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Creating a database token for {0}…', shown) },
      () => client.createDatabaseToken(organization, target, request),
    );
  } catch (err) {
    reveal.abandon();
    await reveal.outcome;
    deps.log.error(`Creating a token for ${target.kind} "${target.name}" in "${organization}" failed`, err);
    if (!reportAuthFailure(err)) {
      const reason = err instanceof TursoApiError ? reasonAndHint(err) : errorMessage(err);
      void showErrorMessage(vscode.l10n.t({
        message: "Couldn't create a database token for {0} in {1}: {2}",
        args: [shown, displayName(organization), reason],
        comment: ['{0} is what the token was for ("database orders", "group default"), {1} the organization, {2} why, with what to do.'],
      }));
    }
    return 'failed';
  }
  reveal.deliver(jwt);
  deps.log.info(`Created a token for ${target.kind} "${target.name}" in "${organization}" (${accessLabel(request.access)}, ${request.expiration})`);
  await reveal.outcome;
  return 'created';
}

interface UrlItem extends vscode.QuickPickItem {
  database?: Database;
}

/**
 * What Save to .env writes with the token: the database's URL; for a group's token, the URL of the
 * database of the group the person picks (or none: the token alone).
 */
async function companionsFor(plan: Plan): Promise<EnvVar[] | undefined> {
  const { target, databases } = plan;
  if (target.kind === 'database') {
    const database = databases.find((d) => d.name === target.name);
    return database ? [{ name: DATABASE_URL_ENV_VAR, value: databaseUrl(database) }] : [];
  }
  const members = groupsOf(databases).get(target.name) ?? [];
  const items: UrlItem[] = [
    ...members.map((d) => ({ database: d, label: displayName(d.name, 128), description: databaseUrl(d) })),
    { label: vscode.l10n.t('No URL: only {0}', 'TURSO_AUTH_TOKEN'), description: vscode.l10n.t('the token opens every database of the group') },
  ];
  const picked = (await pick<UrlItem>({
    title: vscode.l10n.t('Save to .env: {0} for which database of {1}?', DATABASE_URL_ENV_VAR, targetLabel(target)),
    placeholder: vscode.l10n.t('The group token opens each of them; the app connects to one'),
    items,
  }))?.[0];
  if (!picked) {
    return undefined;
  }
  return picked.database ? [{ name: DATABASE_URL_ENV_VAR, value: databaseUrl(picked.database) }] : [];
}
