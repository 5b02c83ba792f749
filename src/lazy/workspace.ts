import type * as vscode from 'vscode';
import type { TokenDiagnostics } from '../workspace/tokenDiagnostics';
import type { WorkspaceTokens } from '../workspace/workspaceTokens';
import type { WorkspaceFeaturesDeps } from './features';
import { features } from './load';

/**
 * The workspace's tokens and their diagnostics, made with dist/features.js on first use: once the view
 * is visible in a trusted folder (`start()`), or when a command or a test asks for them. Nothing reads the
 * workspace before `start()`, so diagnostics, hovers and quick fixes made then miss nothing.
 */
export class LazyWorkspace implements vscode.Disposable {
  private made: { tokens: WorkspaceTokens; diagnostics: TokenDiagnostics; disposable: vscode.Disposable } | undefined;
  private startTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly deps: WorkspaceFeaturesDeps) {}

  get tokens(): WorkspaceTokens {
    return this.make().tokens;
  }

  get diagnostics(): TokenDiagnostics {
    return this.make().diagnostics;
  }

  /**
   * Starts the search on the next task rather than now: the view asked for its first rows, which go out
   * before dist/features.js loads.
   */
  start(): void {
    if (this.startTimer !== undefined || this.disposed) return;
    this.startTimer = setTimeout(() => {
      this.startTimer = undefined;
      if (!this.disposed) void this.tokens.start();
    }, 0);
  }

  private make(): NonNullable<LazyWorkspace['made']> {
    this.made ??= features().workspaceFeatures(this.deps);
    return this.made;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.startTimer);
    this.made?.disposable.dispose();
  }
}
