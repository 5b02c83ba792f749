import * as vscode from 'vscode';
import type { AccountModel } from '../accounts/accountModel';
import type { AccountOrganizations } from '../accounts/accountOrganizations';
import { reportAuthFailure } from '../auth/authFailures';
import type { Session } from '../auth/session';
import type { Log } from '../log';
import { mayHaveTakenEffect, TursoApiError } from '../platform/errors';
import { organizationTokenOwner, type Organization, type OrganizationApiToken } from '../platform/types';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../ui/notify';
import { organizationItems, type OrganizationItem } from '../ui/organizationItems';
import { pick } from '../ui/pickers';
import { errorMessage } from '../util/errors';
import { displayName } from '../util/text';
import { organizationTokenScope, type OrganizationNode, type OrganizationTokenNode } from '../views/organizationNodes';
import { BUSY_MARK_DELAY_MS, type RevokeOutcome } from './revokeToken';

export interface RevokeOrganizationTokenDeps {
  session: Session;
  accounts: AccountModel;
  organizations: AccountOrganizations;
  log: Log;
}

/** What is revoked: a token of an organization, and who minted it; with the account that sees it. */
interface Target {
  accountId: string;
  organization: string;
  token: OrganizationApiToken;
  /** Who minted it; '' when the organization's list gave an owner without a username. */
  owner: string;
}

interface TokenItem extends vscode.QuickPickItem {
  target: Target;
}

/**
 * `turso.revokeOrganizationToken`: revokes an organization's API token by id
 * (`DELETE /v1/organizations/{org}/api-tokens/{id}`). From a token's row under an organization
 * (inline trash, context menu), from an organization's row (pick one of its tokens), or from the
 * palette (pick the organization, then the token). The confirmation names the token, its owner and
 * the organization; revoking this extension's own credential signs out, as revoking it by name does.
 */
export function revokeOrganizationTokenCommand(deps: RevokeOrganizationTokenDeps) {
  const revoking = new Set<string>();
  const revoked = new Set<string>();
  const command = async (arg?: unknown): Promise<RevokeOutcome> => {
    const { session, accounts, log } = deps;
    const target = await targetOrFailure(arg, deps);
    if (target === 'failed') {
      return 'failed';
    }
    const account = target ? accounts.account(target.accountId) : undefined;
    if (!target || !account) {
      return 'cancelled';
    }
    const { accountId, organization, token, owner } = target;
    const organizations = deps.organizations.modelFor(accountId);
    const key = `${organization}\u0000${token.id}`;
    if (revoking.has(key) || revoked.has(key)) {
      return 'cancelled';
    }
    // For the question's wording only: the credential is read again once the answer is in.
    const asked = { token: account.token, self: token.id === account.settledCredentialId };
    const shown = displayName(token.name);
    const words = wording(target, account.username, asked.self);
    const revoke = vscode.l10n.t('Revoke');
    const confirmed = await showWarningMessage(words.question, { modal: true, detail: words.detail }, revoke);
    if (confirmed !== revoke || revoking.has(key) || revoked.has(key)) {
      return 'cancelled';
    }
    revoking.add(key);
    let marked = false;
    const mark = setTimeout(() => {
      marked = true;
      organizations?.setBusy(organization, token.id, vscode.l10n.t('Revoking…'));
    }, BUSY_MARK_DELAY_MS);
    let outcome: 'gone' | 'unchanged' | 'forbidden' | 'unknown' = 'unknown';
    let self = asked.self;
    try {
      // Another window may have signed out or switched the credential while the question was open:
      // what was confirmed was for the account asked about, so nothing is sent for another one.
      await session.reread();
      const now = accounts.account(accountId);
      const client = now ? accounts.clientFor(now.id) : undefined;
      if (!now || !client || now.token !== asked.token) {
        outcome = 'unchanged';
        void showWarningMessage(client
          ? vscode.l10n.t('API token "{0}" was not revoked: the extension switched to another Turso credential meanwhile.', shown)
          : vscode.l10n.t('API token "{0}" was not revoked: this extension was signed out of Turso meanwhile.', shown));
        return 'cancelled';
      }
      self = token.id === now.settledCredentialId;
      await client.revokeOrganizationToken(organization, token.id);
      revoked.add(key);
      outcome = 'gone';
      log.info(`Revoked API token "${token.name}" of ${owner} in "${organization}"`);
      if (self) {
        await session.signOutOf(now.id);
        void showInformationMessage(vscode.l10n.t('Revoked API token "{0}". This extension was signed in with it, so you are now signed out.', shown));
        return 'revoked-self';
      }
      void showInformationMessage(words.revoked);
      return 'revoked';
    } catch (err) {
      log.error(`Revoking API token "${token.name}" of "${organization}" failed`, err);
      if (reportAuthFailure(err)) {
        return 'failed';
      }
      if (err instanceof TursoApiError && err.kind === 'forbidden') {
        // Not revoked; the role shown (an owner's or admin's view, every member's tokens) may be out
        // of date: the organization's role and rows are asked again.
        outcome = 'forbidden';
        void showErrorMessage(words.forbidden);
        return 'failed';
      }
      if (err instanceof TursoApiError && err.kind === 'notFound') {
        void showWarningMessage(vscode.l10n.t('API token "{0}" of "{1}" was already revoked or no longer exists.', shown, displayName(organization)));
        return 'already-gone';
      }
      const again = { kind: 'orgToken', accountId, organization, token, owner } as const;
      const message = mayHaveTakenEffect(err)
        ? vscode.l10n.t(
            "Couldn't confirm that API token \"{0}\" was revoked: {1} The list has been refreshed: if \"{0}\" is still in it, try again.",
            shown,
            errorMessage(err),
          )
        : errorMessage(err);
      if (!mayHaveTakenEffect(err)) {
        outcome = 'unchanged';
      }
      const tryAgain = vscode.l10n.t('Try Again');
      void showErrorMessage(message, tryAgain).then((choice) => {
        if (choice === tryAgain) {
          void command(again);
        }
      });
      return 'failed';
    } finally {
      revoking.delete(key);
      clearTimeout(mark);
      if (marked) {
        organizations?.setBusy(organization, token.id, undefined);
      }
      if (outcome === 'gone') {
        // Gone for sure: its rows are dropped, here and among the account's own tokens, without asking again.
        organizations?.removeToken(organization, token.id);
        if (!self && accounts.knownTokens(accountId)?.some((t) => t.id === token.id)) {
          accounts.removeToken(token.id, accountId);
        }
      } else if (outcome === 'unknown' || outcome === 'forbidden') {
        // Already gone, or maybe revoked, or refused (the role may have changed): this organization's
        // role and list are asked again; nothing else is.
        organizations?.refreshOrganization(organization);
      }
    }
  };
  return command;
}

/**
 * What the dialogs say of the token: its name, its owner ('' when the organization's list gave an
 * owner without a username: then named by no one) and its organization.
 */
function wording({ token, owner, organization }: Target, me: string | undefined, self: boolean) {
  const shown = displayName(token.name);
  const shownOwner = displayName(owner);
  const shownOrg = displayName(organization);
  const mine = owner !== '' && owner === me;
  const detail = self
    ? vscode.l10n.t('This extension is signed in with this token: you will be signed out. Anything else using it stops working at once. This cannot be undone.')
    : mine
      ? vscode.l10n.t('Anything using it stops working at once. This cannot be undone.')
      : owner
        ? vscode.l10n.t('{0} minted it. Anything using it stops working at once. This cannot be undone.', shownOwner)
        : vscode.l10n.t("Turso's list does not say who minted it. Anything using it stops working at once. This cannot be undone.");
  if (!owner) {
    return {
      question: vscode.l10n.t('Revoke API token "{0}" in organization "{1}"?', shown, shownOrg),
      detail,
      revoked: vscode.l10n.t('Revoked API token "{0}" in "{1}".', shown, shownOrg),
      forbidden: vscode.l10n.t('You can\'t revoke API token "{0}": in "{1}" only owners and admins may revoke other members\' tokens. Ask one of them.', shown, shownOrg),
    };
  }
  return {
    question: vscode.l10n.t('Revoke API token "{0}" of {1} in organization "{2}"?', shown, shownOwner, shownOrg),
    detail,
    revoked: vscode.l10n.t('Revoked API token "{0}" of {1} in "{2}".', shown, shownOwner, shownOrg),
    forbidden: vscode.l10n.t(
      'You can\'t revoke API token "{0}" of {1}: in "{2}" only owners and admins may revoke other members\' tokens. Ask one of them.',
      shown,
      shownOwner,
      shownOrg,
    ),
  };
}

/** The row's token or the one picked; 'failed' (said) when the list could not be had. */
async function targetOrFailure(arg: unknown, deps: RevokeOrganizationTokenDeps): Promise<Target | undefined | 'failed'> {
  try {
    return await targetFromArgOrPick(arg, deps);
  } catch (err) {
    deps.log.error('Listing organization API tokens failed', err);
    if (!reportAuthFailure(err)) {
      void showErrorMessage(errorMessage(err));
    }
    return 'failed';
  }
}

async function targetFromArgOrPick(arg: unknown, deps: RevokeOrganizationTokenDeps): Promise<Target | undefined> {
  const node = arg as OrganizationTokenNode | OrganizationNode | undefined;
  if (node && typeof node === 'object' && node.kind === 'orgToken') {
    return { accountId: node.accountId, organization: node.organization, token: node.token, owner: node.owner };
  }
  // An organization's row: its account; the palette: the active one.
  const accountId = (node && typeof node === 'object' && node.kind === 'organization' ? node.accountId : undefined) ?? deps.accounts.activeId;
  const account = deps.accounts.account(accountId);
  const client = accountId === undefined ? undefined : deps.accounts.clientFor(accountId);
  const model = deps.organizations.existing(accountId);
  if (!account || !client || accountId === undefined) {
    return undefined;
  }
  let organization: string | undefined;
  if (node && typeof node === 'object' && node.kind === 'organization') {
    organization = node.organization.slug;
  } else {
    const settled = model?.settledOrganizations;
    const list: Promise<readonly Organization[]> = settled?.kind === 'loaded' ? Promise.resolve(settled.organizations) : client.listOrganizations();
    const items = list.then((orgs) => organizationItems([...orgs].sort((a, b) => a.slug.localeCompare(b.slug))));
    organization = (await pick<OrganizationItem>({
      title: vscode.l10n.t('Revoke Organization API Token (1/2): Organization'),
      placeholder: vscode.l10n.t('Pick the organization'),
      items,
    }))?.[0]?.slug;
  }
  if (!organization) {
    return undefined;
  }
  const me = account.username ?? '';
  const credentialId = account.settledCredentialId;
  const settled = model?.settledTokens(organization);
  const tokens: Promise<readonly OrganizationApiToken[]> = settled?.kind === 'loaded'
    ? Promise.resolve(settled.tokens)
    : client.listOrganizationTokens(organization);
  const org = organization;
  const items = tokens.then((list) => {
    if (list.length === 0) {
      return [{ label: vscode.l10n.t('No API tokens in this organization'), alwaysShow: true, target: undefined as unknown as Target }];
    }
    return list
      .map<Target>((token) => ({ accountId, organization: org, token, owner: organizationTokenOwner(token, me) }))
      .sort((a, b) => a.owner.localeCompare(b.owner) || a.token.name.localeCompare(b.token.name))
      .map<TokenItem>((target) => ({
        label: displayName(target.token.name, 128),
        description: target.owner ? displayName(target.owner, 128) : undefined,
        detail: [
          displayName(organizationTokenScope(target.token), 128),
          target.token.createdAt ? vscode.l10n.t('Created {0}', target.token.createdAt) : undefined,
          target.token.id === credentialId ? vscode.l10n.t('This extension is signed in with this token') : undefined,
        ].filter(Boolean).join(' · '),
        iconPath: new vscode.ThemeIcon(target.token.id === credentialId ? 'verified' : target.owner !== '' && target.owner === me ? 'key' : 'person'),
        target,
      }));
  });
  const picked = await pick<TokenItem>({
    title: vscode.l10n.t('Revoke Organization API Token (2/2): Token in {0}', displayName(organization)),
    placeholder: vscode.l10n.t('Pick an API token (type a name or an owner)'),
    items,
  });
  return picked?.[0]?.target;
}
