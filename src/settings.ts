import * as vscode from 'vscode';
import { DEFAULT_API_BASE_URL, normalizeBaseUrl } from './platform/client';
import { errorMessage } from './util/errors';

export const SECTION = 'turso';

export interface ApiSettings {
  /** Normalised base URL, or undefined with `error` set when the setting is not a usable URL. */
  baseUrl?: string;
  error?: string;
  rawBaseUrl: string;
  timeoutMs: number;
}

/** Reads the extension's settings; they apply without a reload (see `affectsApi`). */
export function readApiSettings(): ApiSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const rawBaseUrl = config.get<string>('apiBaseUrl', DEFAULT_API_BASE_URL);
  const seconds = config.get<number>('requestTimeoutSeconds', 30);
  const timeoutMs = Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 300) * 1000 : 30_000;
  try {
    return { baseUrl: normalizeBaseUrl(rawBaseUrl), rawBaseUrl, timeoutMs };
  } catch (err) {
    return { rawBaseUrl, timeoutMs, error: errorMessage(err) };
  }
}

export function affectsApi(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SECTION}.apiBaseUrl`) || event.affectsConfiguration(`${SECTION}.requestTimeoutSeconds`);
}
