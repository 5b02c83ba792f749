import type { WorkspaceTokens } from '../workspace/workspaceTokens';
import type { CommandDeps } from './deps';

/** `turso.refresh`: reloads the accounts and searches the workspace's env files again (once searched); resolves when both are done. */
export function refreshCommand({ accounts, workspaceTokens }: Pick<CommandDeps, 'accounts'> & { workspaceTokens?: WorkspaceTokens }) {
  return async (): Promise<void> => {
    accounts.refresh();
    // The workspace is searched once the view has been visible: before that there is nothing to refresh.
    await Promise.all([accounts.whenLoaded(), workspaceTokens?.started ? workspaceTokens.rescan() : undefined]);
  };
}
