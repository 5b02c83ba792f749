/**
 * The last chance to keep a new token's value: the modal shown when its panel closed before the value
 * was copied, saved or used, or when the panel could not be shown at all. Kept free of `vscode` (the
 * dialogs come in through `RescueUi`) so the flow is unit-tested in plain Node.
 *
 * The value itself never passes through here: `copy` and `saveToEnv` hold it, so no text this
 * flow builds can contain it.
 */
import * as l10n from '@vscode/l10n';
import { errorMessage } from '../util/errors';

export interface RescueUi {
  /** A modal warning; resolves to the item chosen, or undefined when it was dismissed. */
  warn(message: string, detail: string, items: string[]): PromiseLike<string | undefined>;
  /** Copies the value to the clipboard. */
  copy(): PromiseLike<void>;
  /** Saves the value to `.env`; absent when no workspace folder is open. */
  saveToEnv?(): PromiseLike<{ saved: boolean; message: string }>;
  /** A non-modal confirmation. Not awaited: it must not hold the flow open. */
  info(message: string): void;
  /** A non-modal error. Not awaited. */
  error(message: string): void;
}

/** Why the value still needs rescuing. */
export type RescueReason = 'closed' | 'failed-to-show';

export type RescueResult = 'modal-copy' | 'env' | 'discarded';

/** The modal's buttons; the same getter gives the label shown and the one compared with the choice. */
export const RESCUE_ITEMS = {
  get copy(): string { return l10n.t('Copy Token'); },
  get save(): string { return l10n.t('Save to .env'); },
  get discard(): string { return l10n.t('Discard'); },
};

/** What the token is: a Platform API token, or a database (or group) token. */
export type TokenNoun = 'api' | 'database';

export function rescueMessage(name: string, reason: RescueReason, noun: TokenNoun = 'api'): string {
  if (noun === 'database') {
    return reason === 'failed-to-show'
      ? l10n.t('The database token for {0} was created, but its value could not be shown in a panel.', name)
      : l10n.t('The database token for {0} was not copied or saved.', name);
  }
  return reason === 'failed-to-show'
    ? l10n.t('The API token "{0}" was created, but its value could not be shown in a panel.', name)
    : l10n.t('The API token "{0}" was not copied or saved.', name);
}

export function rescueDetail(noun: TokenNoun = 'api'): string {
  if (noun === 'database') {
    return l10n.t('Its value will not be shown again. Copy it now and keep it somewhere safe, such as your app\'s TURSO_AUTH_TOKEN or a secret manager. Never commit it.');
  }
  return l10n.t('Its value will not be shown again. Copy it now and keep it somewhere safe, such as an environment variable (TURSO_API_TOKEN) or a secret manager. Never commit it.');
}

export function discardMessage(name: string, noun: TokenNoun = 'api'): string {
  if (noun === 'database') {
    return l10n.t('Discard the value of the database token for {0}?', name);
  }
  return l10n.t('Discard the value of the API token "{0}"?', name);
}

export function discardDetail(noun: TokenNoun = 'api'): string {
  if (noun === 'database') {
    return l10n.t('It cannot be shown again. If you need it later, create another one (earlier tokens stay valid until the database\'s tokens are invalidated).');
  }
  return l10n.t('It cannot be shown again. If you need it later, revoke this token and create a new one.');
}

/**
 * Offers Copy Token (and Save to .env when possible) until the value is kept; dismissing asks once
 * more, and only a second dismissal (or Discard) lets the value go.
 */
export async function rescueToken(ui: RescueUi, name: string, reason: RescueReason, noun: TokenNoun = 'api'): Promise<RescueResult> {
  const items: string[] = [RESCUE_ITEMS.copy];
  if (ui.saveToEnv) {
    items.push(RESCUE_ITEMS.save);
  }
  // Each round waits for the user, so a failing copy or save just asks again.
  for (;;) {
    const choice = await ui.warn(rescueMessage(name, reason, noun), rescueDetail(noun), items);
    if (choice === RESCUE_ITEMS.copy) {
      if (await tryCopy(ui, name, noun)) {
        return 'modal-copy';
      }
      continue;
    }
    if (choice === RESCUE_ITEMS.save && ui.saveToEnv) {
      const result = await ui.saveToEnv();
      if (result.saved) {
        ui.info(result.message);
        return 'env';
      }
      ui.error(result.message);
      continue;
    }
    const confirm = await ui.warn(discardMessage(name, noun), discardDetail(noun), [RESCUE_ITEMS.copy, RESCUE_ITEMS.discard]);
    if (confirm === RESCUE_ITEMS.copy) {
      if (await tryCopy(ui, name, noun)) {
        return 'modal-copy';
      }
      continue;
    }
    return 'discarded';
  }
}

async function tryCopy(ui: RescueUi, name: string, noun: TokenNoun): Promise<boolean> {
  try {
    await ui.copy();
    ui.info(noun === 'database'
      ? l10n.t('The database token for {0} is on the clipboard. Paste it somewhere safe now.', name)
      : l10n.t('The API token "{0}" is on the clipboard. Paste it somewhere safe now.', name));
    return true;
  } catch (err) {
    ui.error(noun === 'database'
      ? l10n.t("Couldn't copy the database token for {0}: {1}", name, errorMessage(err))
      : l10n.t("Couldn't copy the API token \"{0}\": {1}", name, errorMessage(err)));
    return false;
  }
}
