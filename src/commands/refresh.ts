import type { AccountModel } from '../accounts/accountModel';

/** `turso.refresh`: reloads the account; resolves when the reload has finished. */
export function refreshCommand(accounts: AccountModel) {
  return async (): Promise<void> => {
    accounts.refresh();
    await accounts.whenLoaded();
  };
}
