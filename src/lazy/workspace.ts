import type * as vscode from 'vscode';
import type { TokenDiagnostics } from '../workspace/tokenDiagnostics';
import type { WorkspaceTokens } from '../workspace/workspaceTokens';
import type { WorkspaceDatabaseTokens } from '../workspace/databaseTokens';
import type { WorkspaceFeatures, WorkspaceFeaturesDeps } from './features';
import { features } from './load';

/** How long after the view shows the workspace's search starts (after the view's first rows). */
const AFTER_FIRST_PAINT_MS = 500;

/**
 * The workspace's tokens and their diagnostics, made with dist/features.js on first use: once the view
 * is visible in a trusted folder (`start()`), or when a command or a test asks for them. Nothing reads the
 * workspace before `start()`, so diagnostics, hovers and quick fixes made then miss nothing.
 */
export class LazyWorkspace implements vscode.Disposable {
  private made: WorkspaceFeatures | undefined;
  private startTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly deps: WorkspaceFeaturesDeps) {}

  get tokens(): WorkspaceTokens {
    return this.make().tokens;
  }

  get diagnostics(): TokenDiagnostics {
    return this.make().diagnostics;
  }

  get databaseTokens(): WorkspaceDatabaseTokens {
    return this.make().databaseTokens;
  }

  /**
   * Starts the search a moment later rather than now: the view has just asked for its first rows, and
   * VS Code asks for their items in further round trips, all answered before dist/features.js loads
   * (loading it holds the extension host for some milliseconds). Nothing waits on the search: a command
   * that needs it starts it itself.
   */
  start(): void {
    if (this.startTimer !== undefined || this.disposed || this.made?.tokens.started) return;
    this.startTimer = setTimeout(() => {
      this.startTimer = undefined;
      if (!this.disposed) void this.tokens.start();
    }, AFTER_FIRST_PAINT_MS);
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
