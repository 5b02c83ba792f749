import type { SecretPlaces, SecretWriter } from '../../github/places';
import type { PendingToken, RevealHandle, RevealOptions } from '../../webview/revealPanel';
import type { WorkspaceTokens } from '../../workspace/workspaceTokens';
import type { CommandDeps } from '../deps';

/** What Rotate API Token needs (given by src/extension.ts). */
export interface RotateTokenDeps extends CommandDeps {
  /** The tokens in the workspace's env files. */
  workspaceTokens: WorkspaceTokens;
  /** Opens the reveal panel of a new token (src/webview/revealPanel.ts openReveal): where its value goes when it could not be put in place. */
  openReveal(token: PendingToken, options: RevealOptions): RevealHandle;
  /** Makes a token value the extension's own credential (src/auth/useCreatedToken.ts). */
  useForExtension(value: string): Promise<string>;
  /**
   * The GitHub Actions secrets remembered for each token, and what writes one (made on first use):
   * each secret that held the old token gets the new one before the revoke. Absent: none is updated.
   */
  github?: { places: SecretPlaces; writer(): SecretWriter };
  /** Today, for the new name (tests). */
  now?: () => Date;
}
