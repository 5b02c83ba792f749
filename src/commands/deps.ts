import type { AccountModel } from '../accounts/accountModel';
import type { AccountOrganizations } from '../accounts/accountOrganizations';
import type { Session } from '../auth/session';
import type { Log } from '../log';

/** What every command is built with: one object, so that a command can take more without its callers changing. */
export interface CommandDeps {
  session: Session;
  accounts: AccountModel;
  log: Log;
  /** Every account's organizations and their API tokens (the tree's Organizations). */
  organizations: AccountOrganizations;
}
