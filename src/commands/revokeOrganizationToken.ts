import * as vscode from 'vscode';
import type { Account } from '../accounts/accountModel';
import { organizationTokenOwner, type Organization, type OrganizationApiToken } from '../platform/types';
import { organizationItems, type OrganizationItem } from '../ui/organizationItems';
import { pick } from '../ui/pickers';
import { displayName } from '../util/text';
import { organizationTokenScope } from '../views/organizationNodes';
import type { CommandDeps } from './deps';
import { reportFailure } from './failures';
import { revokeFlow, type Revocation, type RevokeFlowDeps, type RevokeOutcome, type RevokeWords } from './revokeFlow';
import { rowOf } from './target';
import { compareNames } from '../util/order';

export type RevokeOrganizationTokenDeps = RevokeFlowDeps & Pick<CommandDeps, 'organizations'>;

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
 * the organization; revoking this extension's own credential signs out, as revoking it by name does
 * (src/commands/revokeFlow.ts).
 */
export function revokeOrganizationTokenCommand(deps: RevokeOrganizationTokenDeps) {
  const flow = revokeFlow(deps);
  const revokeOne = (target: Target, account: Account): Promise<RevokeOutcome> =>
    flow(organizationRevocation(deps, target, account, () => {
      const now = deps.accounts.account(target.accountId);
      return now ? revokeOne(target, now) : Promise.resolve('cancelled');
    }));
  return async (arg?: unknown): Promise<RevokeOutcome> => {
    const target = await targetOrFailure(arg, deps);
    if (target === 'failed') {
      return 'failed';
    }
    const account = target ? deps.accounts.account(target.accountId) : undefined;
    if (!target || !account) {
      return 'cancelled';
    }
    return revokeOne(target, account);
  };
}

/** A token of an organization: revoked by id, through the organization, with the account that sees it. */
function organizationRevocation(deps: RevokeOrganizationTokenDeps, target: Target, account: Account, again: Revocation['again']): Revocation {
  const { accounts } = deps;
  const { accountId, organization, token, owner } = target;
  // Undefined once the account is signed out: nothing of its organizations is shown then.
  const orgModel = deps.organizations.modelFor(accountId);
  const shown = displayName(token.name);
  return {
    key: `${organization}\u0000${token.id}`,
    token,
    account,
    logged: `"${token.name}" of ${owner || 'a member'} in "${organization}"`,
    words: (self) => wording(target, account.username, self),
    setBusy: (label) => orgModel?.setBusy(organization, token.id, label),
    // Another window may have signed out or switched the credential while the question was open:
    // what was confirmed was for the account asked about, so nothing is sent for another one.
    recheck: async (askedToken) => {
      const now = accounts.account(accountId);
      const client = now ? accounts.clientFor(now.id) : undefined;
      if (!now || !client || now.token !== askedToken) {
        return {
          refused: client
            ? vscode.l10n.t('API token "{0}" was not revoked: the extension switched to another Turso credential meanwhile.', shown)
            : vscode.l10n.t('API token "{0}" was not revoked: this extension was signed out of Turso meanwhile.', shown),
        };
      }
      return { account: now, client };
    },
    send: (client) => client.revokeOrganizationToken(organization, token.id),
    settle: (end) => {
      if (end.kind === 'gone') {
        // Gone for sure: its rows are dropped, here and among the account's own tokens, without asking again.
        orgModel?.removeToken(organization, token.id);
        if (!end.self && accounts.knownTokens(accountId)?.some((t) => t.id === token.id)) {
          accounts.removeToken(token.id, accountId);
        }
      } else if (end.kind !== 'unchanged') {
        // Already gone, or maybe revoked, or refused (the role may have changed): this organization's
        // role and list are asked again; nothing else is.
        orgModel?.refreshOrganization(organization);
      }
    },
    again,
  };
}

/**
 * What the dialogs say of the token: its name, its owner ('' when the organization's list gave an
 * owner without a username: then named by no one) and its organization.
 */
function wording({ token, owner, organization }: Target, me: string | undefined, self: boolean): RevokeWords {
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
  const alreadyGone = vscode.l10n.t('API token "{0}" of "{1}" was already revoked or no longer exists.', shown, shownOrg);
  if (!owner) {
    return {
      alreadyGone,
      question: vscode.l10n.t('Revoke API token "{0}" in organization "{1}"?', shown, shownOrg),
      detail,
      revoked: vscode.l10n.t('Revoked API token "{0}" in "{1}".', shown, shownOrg),
      forbidden: vscode.l10n.t('You can\'t revoke API token "{0}": in "{1}" only owners and admins may revoke other members\' tokens. Ask one of them.', shown, shownOrg),
    };
  }
  return {
    alreadyGone,
    question: vscode.l10n.t({
      message: 'Revoke API token "{0}" of {1} in organization "{2}"?',
      args: [shown, shownOwner, shownOrg],
      comment: ['{0} is the token\'s name, {1} the member who minted it, {2} the organization\'s name.'],
    }),
    detail,
    revoked: vscode.l10n.t({
      message: 'Revoked API token "{0}" of {1} in "{2}".',
      args: [shown, shownOwner, shownOrg],
      comment: ['{0} is the token\'s name, {1} the member who minted it, {2} the organization\'s name.'],
    }),
    forbidden: vscode.l10n.t({
      message: 'You can\'t revoke API token "{0}" of {1}: in "{2}" only owners and admins may revoke other members\' tokens. Ask one of them.',
      args: [shown, shownOwner, shownOrg],
      comment: ['{0} is the token\'s name, {1} the member who minted it, {2} the organization\'s name.'],
    }),
  };
}

/** The row's token or the one picked; 'failed' (said) when the list could not be had. */
async function targetOrFailure(arg: unknown, deps: RevokeOrganizationTokenDeps): Promise<Target | undefined | 'failed'> {
  try {
    return await targetFromArgOrPick(arg, deps);
  } catch (err) {
    reportFailure(deps.log, 'Listing organization API tokens failed', err);
    return 'failed';
  }
}

async function targetFromArgOrPick(arg: unknown, deps: RevokeOrganizationTokenDeps): Promise<Target | undefined> {
  const tokenRow = rowOf(arg, 'orgToken');
  if (tokenRow) {
    return { accountId: tokenRow.accountId, organization: tokenRow.organization, token: tokenRow.token, owner: tokenRow.owner };
  }
  // An organization's row: its account; the palette: the active one.
  const organizationRow = rowOf(arg, 'organization');
  const accountId = organizationRow?.accountId ?? deps.accounts.activeId;
  const account = deps.accounts.account(accountId);
  const client = accountId === undefined ? undefined : deps.accounts.clientFor(accountId);
  const model = deps.organizations.existing(accountId);
  if (!account || !client || accountId === undefined) {
    return undefined;
  }
  let organization: string | undefined;
  if (organizationRow) {
    organization = organizationRow.organization.slug;
  } else {
    const settled = model?.settledOrganizations;
    const list: Promise<readonly Organization[]> = settled?.kind === 'loaded' ? Promise.resolve(settled.organizations) : client.listOrganizations();
    const items = list.then((orgs) => organizationItems([...orgs].sort((a, b) => compareNames(a.slug, b.slug))));
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
      .sort((a, b) => compareNames(a.owner, b.owner) || compareNames(a.token.name, b.token.name))
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
