import type { AccountModel } from '../accounts/accountModel';
import type { OrganizationsModel } from '../accounts/organizationsModel';

/**
 * `turso.refresh`: reloads the account and, at the same time, its expanded organizations (one round
 * trip for all); resolves when the account's reload has finished.
 */
export function refreshCommand(accounts: AccountModel, organizations?: OrganizationsModel) {
  return async (): Promise<void> => {
    accounts.refresh();
    organizations?.refresh();
    await accounts.whenLoaded();
  };
}
