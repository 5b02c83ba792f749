// How a command says that it failed: one way for every command.
import * as vscode from 'vscode';
import { reportAuthFailure } from '../auth/authFailures';
import type { Log } from '../log';
import { showErrorMessage } from '../ui/notify';
import { errorMessage } from '../util/errors';

/**
 * A command's failure, said once: logged (`what` names the step, never a token value), a 401 told
 * as such (once per burst), anything else shown as its message.
 */
export function reportFailure(log: Pick<Log, 'error'>, what: string, err: unknown): void {
  log.error(what, err);
  if (!reportAuthFailure(err)) {
    void showErrorMessage(errorMessage(err));
  }
}

/** Shows `message` with Try Again, without waiting for the answer: Try Again runs `again`. */
export function offerTryAgain(message: string, again: () => unknown): void {
  const tryAgain = vscode.l10n.t('Try Again');
  void showErrorMessage(message, tryAgain).then((choice) => {
    if (choice === tryAgain) {
      void again();
    }
  });
}
