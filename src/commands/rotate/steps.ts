import * as vscode from 'vscode';
import { placeLabel } from '../../github/places';
import { mayHaveTakenEffect, TursoApiError } from '../../platform/errors';
import { createdTokenListing, restrictionLabel, type RestrictionChoice } from '../../platform/scopes';
import type { ApiToken, CreatedApiToken } from '../../platform/types';
import { errorMessage } from '../../util/errors';
import { displayName } from '../../util/text';
import { replaceTokenInFiles, type FilePlan, type WrittenFile } from '../../workspace/replaceToken';
import type { RotateTokenDeps } from './deps';
import { ignoreFiles } from './checks';
import { confirmRevoke, skipReason, writes, type Colleague } from './questions';
import type { Placement, RevokeAnswer, RotationSteps, SecretsUpdate } from './run';

/**
 * The steps of a rotation after its mint, in VS Code (see run.ts for their order and the boundary
 * around them).
 */

/** The token rotated from an organization's token row: revoked by id through the organization. */
export interface OrganizationSide {
  organization: string;
  /** Who minted the old token. */
  owner: string;
  /** The account minted it. */
  yours: boolean;
}

/** What the files step did: the written files keep their URIs; `ignored`: the `.gitignore` files changed. */
export interface Placed extends Placement {
  written: WrittenFile[];
  ignored: string[];
}

export interface MintedRotation {
  deps: RotateTokenDeps;
  accountId: string;
  old: ApiToken;
  created: CreatedApiToken;
  choice: RestrictionChoice;
  plans: FilePlan[];
  org: OrganizationSide | undefined;
  other: Colleague | undefined;
}

export function rotationSteps(r: MintedRotation): RotationSteps<Placed> {
  const { deps, accountId, old, created, choice } = r;
  const shown = displayName(old.name);
  const newShown = displayName(created.name);
  const value = created.token;
  const openPanel = () => {
    const reveal = deps.openReveal({ name: created.name, scopeLabel: restrictionLabel(choice) }, {});
    reveal.deliver(value, created.id);
    return reveal;
  };
  return {
    addToLists: () => addToLists(deps, accountId, createdTokenListing(created.name, created.id, choice, new Date().toISOString().slice(0, 10))),
    place: () => place(r),
    updateSecrets: () => updateSecrets(r),
    account: async () => {
      await deps.accounts.reread();
      const account = deps.accounts.account(accountId);
      return { signedIn: account !== undefined, self: account?.settledCredentialId === old.id };
    },
    switchCredential: async () => {
      const wasActive = deps.accounts.activeId;
      await deps.useForExtension(value);
      // Signing in makes the account active: the one that was active before stays so.
      if (wasActive !== undefined && wasActive !== accountId && deps.accounts.account(wasActive) !== undefined) {
        await deps.session.switchTo(wasActive);
      }
      deps.log.info(`This extension now uses API token "${created.name}" in place of "${old.name}"`);
    },
    reveal: () => void openPanel().outcome,
    revealAndWait: async () => (await openPanel().outcome).delivered,
    confirmRevoke: (placed, self, secrets) => confirmRevoke(shown, newShown, placed, self, r.other, secrets),
    revoke: () => revoke(r),
  };
}

async function place(r: MintedRotation): Promise<Placed> {
  const { deps, old, created, plans } = r;
  const shown = displayName(old.name);
  const placed: Placed = { written: [], skipped: [], failures: [], ignored: [] };
  const toWrite = plans.filter(writes);
  for (const plan of plans.filter((p) => !toWrite.includes(p))) {
    placed.skipped.push({ shown: plan.shown, reason: skipReason(plan) });
  }
  if (toWrite.length === 0) {
    return placed;
  }
  // Ignored first: a file git still does not ignore is then refused by the write itself.
  const ignoring = await ignoreFiles(toWrite);
  placed.ignored = ignoring.changed;
  const failedIgnore = new Set(ignoring.failed.map((f) => f.shown));
  placed.skipped.push(...ignoring.failed);
  const outcome = await vscode.window.withProgress(
    // Local work (no request): in the status bar, not one more notification.
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Putting API token "{0}" in place of "{1}"…', displayName(created.name), shown) },
    () => replaceTokenInFiles(toWrite.filter((p) => !failedIgnore.has(p.shown)), old.id, created.token),
  );
  placed.written.push(...outcome.written);
  placed.skipped.push(...outcome.skipped);
  placed.failures.push(...outcome.failures);
  if (placed.ignored.length > 0) {
    deps.log.info(`Added files that hold API token "${created.name}" to ${placed.ignored.join(', ')}`);
  }
  if (placed.failures.length > 0) {
    deps.log.error(`Replacing API token "${old.name}" in the workspace failed: ${placed.failures.map((f) => `${f.shown}: ${f.reason}`).join('; ')}`);
  } else if (placed.written.length > 0) {
    deps.log.info(`Replaced API token "${old.name}" by "${created.name}" in ${placed.written.map((w) => w.shown).join(', ')}`);
  }
  return placed;
}

/**
 * Each GitHub Actions secret remembered for the old token gets the new value, one after another: GitHub
 * asks integrations to send their requests serially, not concurrently (its secondary rate limits).
 * A secret written is remembered for the new token at once, whatever happens next: it holds the new
 * token's value from then on (kept or revoked, the old token is no longer there). A failure is said
 * with the writer's message (it names the repository and the secret, never a value).
 */
async function updateSecrets(r: MintedRotation): Promise<SecretsUpdate> {
  const { deps, old, created } = r;
  const done: SecretsUpdate = { written: [], failures: [] };
  const github = deps.github;
  const places = github?.places.of(old.id) ?? [];
  if (!github || places.length === 0) {
    return done;
  }
  const writer = github.writer();
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Updating the GitHub Actions secrets that hold "{0}"…', displayName(old.name)) },
    async (progress) => {
      for (const place of places) {
        const label = placeLabel(place);
        progress.report({ message: label });
        try {
          await writer.write(place, created.token);
        } catch (err) {
          deps.log.error(`Updating GitHub Actions secret ${label} with API token "${created.name}" failed`, err);
          done.failures.push({ shown: label, reason: errorMessage(err) });
          continue;
        }
        done.written.push(label);
        try {
          await github.places.move(old.id, created.id, [place]);
        } catch (err) {
          deps.log.error(`Noting that GitHub Actions secret ${label} holds API token "${created.name}" failed`, err);
        }
      }
    },
  );
  if (done.written.length > 0) {
    deps.log.info(`Updated GitHub Actions secrets with API token "${created.name}" in place of "${old.name}": ${done.written.join(', ')}`);
  }
  return done;
}

/**
 * The revoke. From an organization's row: by id through the organization. Otherwise by name (the
 * only personal route), right after checking that the name still lists the old token's id: the last
 * confirmation has no time limit, and a token of that name revoked and minted again meanwhile is not
 * the one that was rotated.
 */
async function revoke(r: MintedRotation): Promise<RevokeAnswer> {
  const { deps, accountId, old, org } = r;
  await deps.accounts.reread();
  const revoker = deps.accounts.clientFor(accountId);
  if (!revoker) {
    return { kind: 'signed-out' };
  }
  const logged = org ? `"${old.name}" of ${org.owner} in "${org.organization}"` : `"${old.name}"`;
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Revoking API token "{0}"…', displayName(old.name)) },
      async () => {
        if (org) {
          await revoker.revokeOrganizationToken(org.organization, old.id);
          return;
        }
        const listed = (await revoker.listApiTokens()).find((t) => t.name === old.name);
        if (!listed) {
          throw new NotListed();
        }
        if (listed.id !== old.id) {
          throw new Moved();
        }
        await revoker.revokeApiToken(old.name);
      },
    );
  } catch (err) {
    if (err instanceof Moved) {
      deps.log.error(`API token ${logged} was not revoked: its name now lists another token`);
      return { kind: 'moved' };
    }
    deps.log.error(`Revoking API token ${logged} after its rotation failed`, err);
    if (err instanceof NotListed || (err instanceof TursoApiError && err.kind === 'notFound')) {
      removeFromLists(deps, accountId, old, org);
      forgetPlaces(deps, old);
      return { kind: 'gone' };
    }
    if (org) {
      // Reloaded, with the account's role there: a 403 says the role shown may be stale.
      deps.organizations.existing(accountId)?.refreshOrganization(org.organization);
    }
    if (org && err instanceof TursoApiError && err.kind === 'forbidden') {
      return { kind: 'forbidden' };
    }
    deps.accounts.refresh();
    return { kind: 'failed', error: err, maybe: mayHaveTakenEffect(err) };
  }
  deps.log.info(`Revoked API token ${logged} after its rotation`);
  removeFromLists(deps, accountId, old, org);
  forgetPlaces(deps, old);
  return { kind: 'revoked' };
}

/** The old token no longer works: any secret still remembered for it holds a dead value (only logged when it fails). */
function forgetPlaces(deps: RotateTokenDeps, old: ApiToken): void {
  deps.github?.places.forget(old.id).catch((err: unknown) => deps.log.error(`Forgetting the GitHub Actions secrets of API token "${old.name}" failed`, err));
}

/** The old token's name lists another token now. */
class Moved extends Error {}
/** No token of the old token's name is listed any more. */
class NotListed extends Error {}

function addToLists(deps: RotateTokenDeps, accountId: string, listing: ApiToken): void {
  deps.accounts.addToken(listing, accountId);
  const username = deps.accounts.account(accountId)?.username;
  if (listing.organization && username) {
    deps.organizations.existing(accountId)?.addToken({ ...listing, organization: listing.organization, owner: { username } });
  }
}

/** The old token dropped from the lists; it is gone at Turso already, so a failure here is only logged. */
function removeFromLists(deps: RotateTokenDeps, accountId: string, old: ApiToken, org: OrganizationSide | undefined): void {
  try {
    // A colleague's token was never in the account's own list.
    if (!org || org.yours) {
      deps.accounts.removeToken(old.id, accountId);
    }
    if (old.organization) {
      deps.organizations.existing(accountId)?.removeToken(old.organization, old.id);
    }
  } catch (err) {
    deps.log.error(`Dropping API token "${old.name}" from the lists failed`, err);
  }
}
