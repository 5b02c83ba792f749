import * as vscode from 'vscode';
import type { Log } from '../log';
import { TursoApiError } from '../platform/errors';
import { readApiSettings } from '../settings';
import {
  callbackPortFromExternalUri, LOGIN_TIMEOUT_MS, LoopbackLoginError, planCallback, startLoopbackLogin, type CallbackPlan,
} from './loopbackLogin';
import { ApiSettingsError, type Session, type VerifiedCredential } from './session';

export type BrowserSignInOutcome =
  | { kind: 'signedIn'; verified: VerifiedCredential }
  /** The user cancelled (from the progress notification). Nothing to say. */
  | { kind: 'cancelled' }
  | { kind: 'timedOut'; message: string }
  /** The browser can't reach a listener in this window; `reason` says why. */
  | { kind: 'unavailable'; reason: string }
  | { kind: 'notOpened' }
  | { kind: 'failed'; error: unknown };

/** Whether (and how) the browser can reach a listener started by this window. */
export function browserCallbackPlan(): CallbackPlan {
  return planCallback({ remoteName: vscode.env.remoteName, webUi: vscode.env.uiKind === vscode.UIKind.Web });
}

/**
 * The Turso CLI's browser sign-in, in VS Code: a one-shot listener on 127.0.0.1, the authorization
 * page opened with `openExternal`, the token that comes back verified and stored through the
 * session. Cancellable from the progress notification; times out after 5 minutes; the listener is
 * closed whatever happens.
 */
export async function signInWithBrowser(
  session: Session,
  log: Log,
  options: { timeoutMs?: number } = {},
): Promise<BrowserSignInOutcome> {
  const plan = browserCallbackPlan();
  if (plan.kind === 'unavailable') {
    return { kind: 'unavailable', reason: plan.reason };
  }
  const settings = readApiSettings();
  if (!settings.baseUrl) {
    return { kind: 'failed', error: new ApiSettingsError(settings.rawBaseUrl, settings.error ?? vscode.l10n.t('invalid URL')) };
  }
  const baseUrl = settings.baseUrl;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Signing in to Turso'), cancellable: true },
    async (progress, cancellation): Promise<BrowserSignInOutcome> => {
      const controller = new AbortController();
      const onCancel = cancellation.onCancellationRequested(() => controller.abort());
      let login: Awaited<ReturnType<typeof startLoopbackLogin>> | undefined;
      try {
        login = await startLoopbackLogin({ signal: controller.signal, timeoutMs: options.timeoutMs ?? LOGIN_TIMEOUT_MS });
        const callbackPort = await reachableCallbackPort(login.port, plan);
        if (callbackPort === undefined) {
          return {
            kind: 'unavailable',
            reason: vscode.l10n.t("this remote window ({0}) can't forward a local port for Turso's redirect to http://localhost", vscode.env.remoteName ?? 'remote'),
          };
        }
        const where = login.addresses.length > 1 ? login.addresses.join(' and ') : `${login.addresses.join('')} only (this machine has no IPv6 loopback)`;
        log.info(`Browser sign-in: listening on ${where}; the browser comes back to localhost:${callbackPort}.`);
        progress.report({ message: vscode.l10n.t('Authorize VS Code in your browser…') });
        const opened = await vscode.env.openExternal(vscode.Uri.parse(login.authorizeUrl(baseUrl, callbackPort)));
        if (!opened) {
          return { kind: 'notOpened' };
        }
        const token = await login.token;
        progress.report({ message: vscode.l10n.t('Checking the sign-in with Turso…') });
        const verified = await session.signIn(token, controller.signal);
        return { kind: 'signedIn', verified };
      } catch (err) {
        if (err instanceof LoopbackLoginError) {
          return err.reason === 'timeout' ? { kind: 'timedOut', message: err.message } : { kind: 'cancelled' };
        }
        if ((err instanceof TursoApiError && err.kind === 'cancelled') || controller.signal.aborted) {
          return { kind: 'cancelled' };
        }
        return { kind: 'failed', error: err };
      } finally {
        onCancel.dispose();
        login?.cancel();
      }
    },
  );
}

/**
 * The port Turso should send the browser back to. In a remote window, `asExternalUri` may forward a
 * local port to the listener (desktop remotes do): usable only when it gives a plain
 * `http://localhost:<port>/`. A web UI gives a proxy URL instead, which Turso's redirect can't use;
 * then only a browser on the extension host's own machine (plan `direct`) reaches the listener.
 */
async function reachableCallbackPort(listenerPort: number, plan: CallbackPlan): Promise<number | undefined> {
  if (!vscode.env.remoteName) {
    return listenerPort;
  }
  try {
    const external = await vscode.env.asExternalUri(vscode.Uri.parse(`http://localhost:${listenerPort}/`));
    const forwarded = callbackPortFromExternalUri(external.toString(true));
    if (forwarded !== undefined) {
      return forwarded;
    }
  } catch {
    // No forwarding here: fall back to the plan.
  }
  return plan.kind === 'direct' ? listenerPort : undefined;
}
