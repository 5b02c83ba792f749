import type { AccountModel } from '../accounts/accountModel';
import type { Session } from '../auth/session';
import type { Log } from '../log';

/** What every command is built with: one object, so that a command can take more without its callers changing. */
export interface CommandDeps {
  session: Session;
  accounts: AccountModel;
  log: Log;
}
