/**
 * Token restriction choices (organization, group, scopes) and the request body they make. Pure, so
 * the wizard's choices are tested without UI.
 */
import * as l10n from '@vscode/l10n';
import { ALL_SCOPES, type ApiToken, type ApiTokenRestriction } from './types';

export type Scope = (typeof ALL_SCOPES)[number];
export type ScopePreset = 'read-only' | 'full-access';

// Getters: translated when read (after the extension has loaded its bundle), not at module load.
export const SCOPE_DESCRIPTIONS: Readonly<Record<Scope, string>> = {
  get read() { return l10n.t('Read organization, group and database details'); },
  get 'db:create'() { return l10n.t('Create databases in the group'); },
  get 'db:delete'() { return l10n.t('Delete databases in the group'); },
  get 'db:configure'() { return l10n.t("Change databases' configuration"); },
  get 'db:mint-token'() { return l10n.t('Create auth tokens for databases'); },
  get 'db:rotate-creds'() { return l10n.t("Rotate databases' credentials (invalidates their tokens)"); },
  get 'group:configure'() { return l10n.t("Change the group's configuration and locations"); },
  get 'group:mint-token'() { return l10n.t('Create auth tokens for the whole group'); },
  get 'group:rotate-creds'() { return l10n.t("Rotate the group's credentials (invalidates its tokens)"); },
};

export const PRESET_DESCRIPTIONS: Readonly<Record<ScopePreset, string>> = {
  get 'read-only'() { return l10n.t('Read details only (the scope "read")'); },
  get 'full-access'() { return l10n.t('Every scope below'); },
};

export type RestrictionChoice =
  | { kind: 'unrestricted' }
  | { kind: 'org'; organization: string }
  | { kind: 'group'; organization: string; group: string; scopes: (Scope | ScopePreset)[] };

/**
 * The scopes to send for a multi-select: a preset alone is sent as the preset; "full-access" wins over
 * anything else picked; "read-only" with other scopes becomes "read" plus those scopes.
 */
export function scopesToSend(picked: readonly (Scope | ScopePreset)[]): (Scope | ScopePreset)[] {
  const set = new Set(picked);
  if (set.has('full-access')) {
    return ['full-access'];
  }
  const individual = ALL_SCOPES.filter((s) => set.has(s));
  if (set.has('read-only')) {
    if (individual.length === 0 || (individual.length === 1 && individual[0] === 'read')) {
      return ['read-only'];
    }
    return ALL_SCOPES.filter((s) => s === 'read' || set.has(s));
  }
  return individual;
}

/** The create request's body; undefined means no body (an unrestricted token). */
export function restrictionBody(choice: RestrictionChoice): ApiTokenRestriction | undefined {
  switch (choice.kind) {
    case 'unrestricted':
      return undefined;
    case 'org':
      return { organization: choice.organization };
    case 'group': {
      const scopes = scopesToSend(choice.scopes);
      if (scopes.length === 0) {
        throw new RangeError(l10n.t('A group-scoped token needs at least one scope.'));
      }
      return { organization: choice.organization, group: choice.group, scopes };
    }
  }
}

/** How the reveal panel and messages name the restriction: "all organizations", "acme", "acme/default · read-only". */
export function restrictionLabel(choice: RestrictionChoice): string {
  switch (choice.kind) {
    case 'unrestricted':
      return l10n.t('all organizations (unrestricted)');
    case 'org':
      return choice.organization;
    case 'group':
      return `${choice.organization}/${choice.group} · ${scopesToSend(choice.scopes).join(', ')}`;
  }
}

/** The token as the API will list it: presets expanded into the scopes they stand for. */
export function createdTokenListing(name: string, id: string, choice: RestrictionChoice, createdAt: string): ApiToken {
  const token: ApiToken = { name, id, createdAt };
  if (choice.kind !== 'unrestricted') {
    token.organization = choice.organization;
  }
  if (choice.kind === 'group') {
    token.group = choice.group;
    const sent = scopesToSend(choice.scopes);
    token.scopes = sent.includes('full-access')
      ? [...ALL_SCOPES]
      : ALL_SCOPES.filter((s) => s === 'read' ? sent.includes('read') || sent.includes('read-only') : sent.includes(s));
  }
  return token;
}
