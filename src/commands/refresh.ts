import type { CommandDeps } from './deps';

/**
 * `turso.refresh`: reloads the accounts and, at the same time, their expanded organizations (one
 * round trip for all); resolves when the accounts' reload has finished.
 */
export function refreshCommand({ accounts, organizations }: Pick<CommandDeps, 'accounts' | 'organizations'>) {
  return async (): Promise<void> => {
    accounts.refresh();
    organizations?.refresh();
    await accounts.whenLoaded();
  };
}
