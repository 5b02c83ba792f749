import type { TokensTreeProvider } from '../views/tokensTreeProvider';

/** `turso.refresh`: reloads the tree; resolves when the reload has finished. */
export function refreshCommand(tree: TokensTreeProvider) {
  return async (): Promise<void> => {
    tree.refresh();
    await tree.whenLoaded();
  };
}
