import * as vscode from 'vscode';
import type { Organization } from '../platform/types';
import { displayName } from '../util/text';

/** An organization in a quick pick: its slug (what the API is called with) and how it is shown. */
export interface OrganizationItem extends vscode.QuickPickItem {
  slug: string;
}

/**
 * The one way an organization is shown in a picker (Create API Token, Rotate API Token, Revoke
 * Organization API Token): its slug, its name when that differs, whether it is personal or a team.
 * Server text, shown as is by the picker: made inert (control and bidirectional characters).
 */
export function organizationItems(orgs: readonly Organization[]): OrganizationItem[] {
  return orgs.map((o) => ({
    slug: o.slug,
    label: displayName(o.slug, 128),
    description: o.name !== o.slug ? displayName(o.name, 128) : undefined,
    detail: o.type === 'personal' ? vscode.l10n.t('Personal organization') : o.type === 'team' ? vscode.l10n.t('Team organization') : undefined,
    iconPath: new vscode.ThemeIcon(o.type === 'personal' ? 'account' : 'organization'),
  }));
}
