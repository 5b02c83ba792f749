import type { CommandDeps } from './deps';

/** `turso.refresh`: reloads the account; resolves when the reload has finished. */
export function refreshCommand({ accounts }: Pick<CommandDeps, 'accounts'>) {
  return async (): Promise<void> => {
    accounts.refresh();
    await accounts.whenLoaded();
  };
}
