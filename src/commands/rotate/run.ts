/**
 * A rotation once its successor is minted: the files, the extension's own credential, the last
 * confirmation, the revoke. Kept free of `vscode` (each step comes in through `RotationSteps`) so that
 * every step can be made to fail in plain Node.
 *
 * The guarantee lives in `afterMint`, the one boundary right after the create: whatever the steps
 * return or throw, a value that is not in place (written into every file kept and read back, into
 * every GitHub Actions secret that held the old token, or the extension's credential) ends up shown
 * once, in its reveal panel (which falls back to the rescue modal), and the old token is revoked only
 * when every file kept was written and read back and every such secret was updated.
 */

/** What writing the successor into the files did (paths only, never a value). */
export interface Placement {
  written: { shown: string; lines: number[] }[];
  /** Not written, each with why (they keep the old token). */
  skipped: { shown: string; reason: string }[];
  /** Could not be written or did not read back: the old token must not be revoked. */
  failures: { shown: string; reason: string }[];
}

/**
 * What updating the GitHub Actions secrets that held the old token did (their labels, `placeLabel`
 * in src/github/places.ts, and why one failed: never a value).
 */
export interface SecretsUpdate {
  /** The secrets that now hold the successor. */
  written: string[];
  /** Not updated, each with why: the old token must not be revoked. */
  failures: { shown: string; reason: string }[];
}

/** The account as reread right now. */
export interface AccountNow {
  signedIn: boolean;
  /** The extension is signed in with the old token. */
  self: boolean;
}

/** The revoke's answer, as the steps classified it. */
export type RevokeAnswer =
  | { kind: 'revoked' }
  /** Already revoked, or no such token: the old one does not work either way. */
  | { kind: 'gone' }
  /** Signed out of the account meanwhile: nothing was sent. */
  | { kind: 'signed-out' }
  /** The old token's name now belongs to another token (or none with its id): nothing was sent. */
  | { kind: 'moved' }
  /** The organization refused it (the role changed): nothing changed at Turso. */
  | { kind: 'forbidden' }
  /** The request failed; `maybe`: it may have been revoked all the same. */
  | { kind: 'failed'; error: unknown; maybe: boolean };

export interface RotationSteps<P extends Placement = Placement> {
  /** Lists the successor where the views show tokens. */
  addToLists(): void;
  /** Writes the successor into the files the person kept. */
  place(): Promise<P>;
  /**
   * Writes the successor into each GitHub Actions secret remembered for the old token, one after
   * another (each secret written is remembered for the successor at once: it holds its value now).
   */
  updateSecrets(): Promise<SecretsUpdate>;
  /** Rereads the session: is the account still signed in, and with the old token? */
  account(): Promise<AccountNow>;
  /** Makes the successor the extension's credential. */
  switchCredential(): Promise<void>;
  /** Opens the successor's reveal panel with its value (its closing falls back to the rescue modal). */
  reveal(): void;
  /** Opens the reveal panel and resolves once it is closed: whether the value was kept. */
  revealAndWait(): Promise<boolean>;
  /** The last question: revoke the old token? */
  confirmRevoke(placed: P, self: boolean, secrets: SecretsUpdate): Promise<boolean>;
  /** Revokes the old token, by id or after checking that its name is still its id's. */
  revoke(): Promise<RevokeAnswer>;
}

/** How a rotation ended after the mint. */
export type AfterMint<P extends Placement = Placement> =
  /** The old token was revoked (or was gone already). */
  | { kind: 'rotated'; placed: P; self: boolean; alreadyGone: boolean; secrets: SecretsUpdate }
  /** Some files could not be written or did not read back. */
  | { kind: 'write-failed'; placed: P }
  /** Some GitHub Actions secrets could not be updated (those updated hold the successor). */
  | { kind: 'secrets-failed'; placed: P; secrets: SecretsUpdate }
  /** Signed out of the account before its credential could be checked. */
  | { kind: 'signed-out' }
  /** The extension could not switch to the successor. */
  | { kind: 'switch-failed'; error: unknown }
  /** The value was put nowhere, and the person closed its panel without keeping it. */
  | { kind: 'not-kept' }
  /** The person kept the old token at the last question. */
  | { kind: 'declined'; placed: P; self: boolean; secrets: SecretsUpdate }
  /** The revoke was not done (see the answer). */
  | { kind: 'not-revoked'; placed: P; self: boolean; secrets: SecretsUpdate; answer: Exclude<RevokeAnswer, { kind: 'revoked' | 'gone' }> }
  /** A step threw. */
  | { kind: 'threw'; error: unknown };

/** Where a rotation ended, and whether its value was shown in a panel on the way. */
export type AfterMintResult<P extends Placement = Placement> = AfterMint<P> & { revealed: boolean };

/** The outcomes that leave the value nowhere else: it is shown. */
const SHOWS_VALUE: ReadonlySet<AfterMint['kind']> = new Set(['write-failed', 'secrets-failed', 'signed-out', 'switch-failed', 'threw']);

/** The boundary right after the mint: see the module comment. Never throws. */
export async function afterMint<P extends Placement>(steps: RotationSteps<P>): Promise<AfterMintResult<P>> {
  let revealed = false;
  const once = {
    reveal: (): void => {
      if (!revealed) {
        revealed = true;
        steps.reveal();
      }
    },
    revealAndWait: (): Promise<boolean> => {
      revealed = true;
      return steps.revealAndWait();
    },
  };
  let outcome: AfterMint<P>;
  try {
    outcome = await proceed(steps, once);
  } catch (error) {
    outcome = { kind: 'threw', error };
  }
  if (SHOWS_VALUE.has(outcome.kind)) {
    try {
      once.reveal();
    } catch (error) {
      // The panel falls back to the rescue modal itself; nothing else could show the value.
      outcome = { kind: 'threw', error };
    }
  }
  return { ...outcome, revealed };
}

async function proceed<P extends Placement>(
  steps: RotationSteps<P>,
  once: { reveal(): void; revealAndWait(): Promise<boolean> },
): Promise<AfterMint<P>> {
  steps.addToLists();
  const placed = await steps.place();
  if (placed.failures.length > 0) {
    return { kind: 'write-failed', placed };
  }
  // After the files (a file that failed leaves every secret as it was), before anything is asked or revoked.
  const secrets = await steps.updateSecrets();
  if (secrets.failures.length > 0) {
    return { kind: 'secrets-failed', placed, secrets };
  }
  const account = await steps.account();
  if (!account.signedIn) {
    return { kind: 'signed-out' };
  }
  if (account.self) {
    try {
      await steps.switchCredential();
    } catch (error) {
      return { kind: 'switch-failed', error };
    }
  }
  // A value put nowhere must be kept by the person before the old token goes.
  // (A GitHub Actions secret updated is a place too.)
  if (placed.written.length === 0 && secrets.written.length === 0 && !account.self && !(await once.revealAndWait())) {
    return { kind: 'not-kept' };
  }
  const self = account.self;
  if (!(await steps.confirmRevoke(placed, self, secrets))) {
    return { kind: 'declined', placed, self, secrets };
  }
  const answer = await steps.revoke();
  if (answer.kind === 'revoked' || answer.kind === 'gone') {
    return { kind: 'rotated', placed, self, alreadyGone: answer.kind === 'gone', secrets };
  }
  return { kind: 'not-revoked', placed, self, secrets, answer };
}
