import * as vscode from 'vscode';
import { redactSecrets } from './platform/errors';
import type { RequestEvent } from './platform/client';

/**
 * The extension's output channel ("Turso"). Everything written here goes through `redactSecrets`,
 * so a credential cannot reach it even by mistake.
 */
export class Log implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;

  constructor(private readonly secrets: () => readonly (string | undefined)[] = () => []) {
    this.channel = vscode.window.createOutputChannel('Turso', { log: true });
  }

  info(message: string): void {
    this.channel.info(this.clean(message));
  }

  warn(message: string): void {
    this.channel.warn(this.clean(message));
  }

  error(message: string, err?: unknown): void {
    const detail = err instanceof Error ? `: ${err.message}` : err !== undefined ? `: ${String(err)}` : '';
    this.channel.error(this.clean(message + detail));
  }

  request(event: RequestEvent): void {
    const outcome = event.status !== undefined ? String(event.status) : event.errorKind ?? 'ok';
    const attempt = event.attempt > 1 ? ` (attempt ${event.attempt})` : '';
    const line = `${event.method} ${event.path} → ${outcome} in ${event.durationMs} ms${attempt}`;
    if (event.errorKind) {
      this.channel.warn(this.clean(line));
    } else {
      this.channel.debug(this.clean(line));
    }
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }

  private clean(text: string): string {
    return redactSecrets(text, this.secrets());
  }
}
