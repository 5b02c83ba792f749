import * as vscode from 'vscode';
import type { AccountModel } from '../accounts/accountModel';
import { tokenScopeLabel, type ApiToken } from '../platform/types';
import { pick } from '../ui/pickers';
import { displayName } from '../util/text';
import { rowOf } from './target';
import { compareNames } from '../util/order';

interface TokenItem extends vscode.QuickPickItem {
  token: ApiToken;
}

/** The token a command was invoked on from the tree, or one the user picks (palette). */
export async function tokenFromArgOrPick(
  arg: unknown,
  accounts: AccountModel,
  title: string,
): Promise<ApiToken | undefined> {
  const row = rowOf(arg, 'token');
  if (row) {
    return row.token;
  }
  const client = accounts.clientFor(accounts.activeId);
  if (!client) {
    return undefined;
  }
  const credentialId = accounts.credentialId;
  const known = accounts.knownTokens();
  const items = (known ? Promise.resolve(known) : client.listApiTokens()).then((tokens) => {
    if (tokens.length === 0) {
      return [{ label: vscode.l10n.t('You have no API tokens'), alwaysShow: true, token: undefined as unknown as ApiToken }];
    }
    return [...tokens]
      .sort((a, b) => compareNames(a.name, b.name))
      .map<TokenItem>((token) => ({
        label: displayName(token.name, 128),
        description: displayName(tokenScopeLabel(token), 128),
        detail: [
          token.createdAt ? vscode.l10n.t('Created {0}', token.createdAt) : undefined,
          token.id === credentialId ? vscode.l10n.t('This extension is signed in with this token') : undefined,
        ].filter(Boolean).join(' · ') || undefined,
        iconPath: new vscode.ThemeIcon(token.id === credentialId ? 'verified' : 'key'),
        token,
      }));
  });
  const picked = await pick<TokenItem>({ title, placeholder: vscode.l10n.t('Pick an API token'), items });
  return picked?.[0]?.token;
}
