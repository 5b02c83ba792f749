import type { WorkspaceTokens } from '../workspace/workspaceTokens';
import type { CommandDeps } from './deps';

/**
 * `turso.refresh`: reloads the accounts and, at the same time, their expanded organizations (one
 * round trip for all), and searches the workspace's env files again (once searched); resolves when
 * the accounts' reload and the search are done.
 */
export function refreshCommand(
  { accounts, organizations, workspaceTokens }: Pick<CommandDeps, 'accounts' | 'organizations'> & { workspaceTokens?: WorkspaceTokens },
) {
  return async (): Promise<void> => {
    accounts.refresh();
    organizations.refresh();
    // The workspace is searched once the view has been visible: before that there is nothing to refresh.
    await Promise.all([accounts.whenLoaded(), workspaceTokens?.started ? workspaceTokens.rescan() : undefined]);
  };
}
