/**
 * What a rotation keeps of the token it replaces: the successor's name and its access. Pure (no
 * `vscode`), so the choices are unit-tested in plain Node.
 */
import { MAX_TOKEN_NAME_LENGTH } from './tokenNames';
import type { RestrictionChoice, Scope } from './scopes';
import { ALL_SCOPES, tokenScopeKind, type ApiToken } from './types';

/** `yyyymmdd` of `date` in UTC. */
export function utcStamp(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}

/**
 * The name offered for the token that replaces `name`: `<name>-<yyyymmdd>` (today, UTC). A date
 * suffix left by an earlier rotation is replaced rather than stacked (`ci-20250101` → `ci-20250612`);
 * the base is cut so that the result keeps to 32 characters; a name taken already (rotated twice
 * the same day) gets `-2`, `-3`… The server still decides.
 */
export function successorName(name: string, date: Date, existing: Iterable<string> = []): string {
  const taken = new Set(existing);
  taken.add(name);
  const stem = name.replace(/-\d{8}(-\d+)?$/, '');
  for (let n = 1; ; n++) {
    const suffix = `-${utcStamp(date)}${n > 1 ? `-${n}` : ''}`;
    const base = stem.slice(0, Math.max(1, MAX_TOKEN_NAME_LENGTH - suffix.length)).replace(/-+$/, '');
    const candidate = `${base}${suffix}`;
    if (!taken.has(candidate)) {
      return candidate;
    }
  }
}

/**
 * The access to give the successor of `token`: the same organization; for a group token, the same
 * group with the same permissions. Unrestricted tokens (deprecated) come back as such: the caller
 * suggests an organization instead. Undefined when a group token's permissions are not known (the
 * server did not list them): the same access cannot be asked for.
 */
export function sameAccess(token: Pick<ApiToken, 'organization' | 'group' | 'scopes'>): RestrictionChoice | undefined {
  switch (tokenScopeKind(token)) {
    case 'unrestricted':
      return { kind: 'unrestricted' };
    case 'org':
      return { kind: 'org', organization: token.organization as string };
    case 'group': {
      if (!token.organization) {
        return undefined;
      }
      const known = new Set<string>(ALL_SCOPES);
      const scopes = (token.scopes ?? []).filter((s): s is Scope => known.has(s));
      // A scope this client does not know would be lost: better not to rotate than to narrow.
      if (scopes.length === 0 || scopes.length !== (token.scopes ?? []).length) {
        return undefined;
      }
      return { kind: 'group', organization: token.organization, group: token.group as string, scopes };
    }
  }
}
