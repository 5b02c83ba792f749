/**
 * Token restriction choices (organization, group, scopes) and the request body they make. Pure, so
 * the wizard's choices are tested without UI.
 */
import { ALL_SCOPES, type ApiTokenRestriction } from './types';

export type Scope = (typeof ALL_SCOPES)[number];
export type ScopePreset = 'read-only' | 'full-access';

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  read: 'Read organization, group and database details',
  'db:create': 'Create databases in the group',
  'db:delete': 'Delete databases in the group',
  'db:configure': "Change databases' configuration",
  'db:mint-token': 'Create auth tokens for databases',
  'db:rotate-creds': "Rotate databases' credentials (invalidates their tokens)",
  'group:configure': "Change the group's configuration and locations",
  'group:mint-token': 'Create auth tokens for the whole group',
  'group:rotate-creds': "Rotate the group's credentials (invalidates its tokens)",
};

export const PRESET_DESCRIPTIONS: Record<ScopePreset, string> = {
  'read-only': 'Read details only (the scope "read")',
  'full-access': 'Every scope below',
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
        throw new RangeError('A group-scoped token needs at least one scope.');
      }
      return { organization: choice.organization, group: choice.group, scopes };
    }
  }
}

/** How the reveal panel and messages name the restriction: "all organizations", "acme", "acme/default · read-only". */
export function restrictionLabel(choice: RestrictionChoice): string {
  switch (choice.kind) {
    case 'unrestricted':
      return 'all organizations (unrestricted)';
    case 'org':
      return choice.organization;
    case 'group':
      return `${choice.organization}/${choice.group} · ${scopesToSend(choice.scopes).join(', ')}`;
  }
}
