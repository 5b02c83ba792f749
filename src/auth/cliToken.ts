/**
 * Finds the Turso CLI's Platform API token: `TURSO_API_TOKEN` in the environment
 * first (the CLI gives it precedence), then `token` in the CLI's `settings.json`. Read only: the CLI's
 * file is never written. No `vscode` import; the environment, home folder, platform and file reader
 * are given, so every OS layout is tested with fake home folders.
 */
import * as path from 'node:path';
import { looksLikeJwt } from '../platform/jwt';
import { errorMessage } from '../util/errors';

export const ENV_TOKEN_VARIABLE = 'TURSO_API_TOKEN';
export const ENV_CONFIG_FOLDER_VARIABLE = 'TURSO_CONFIG_FOLDER';
export const SETTINGS_FILE = 'settings.json';

export interface CliTokenEnvironment {
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  platform: NodeJS.Platform;
  /** Reads a UTF-8 file; rejects (ENOENT) when it does not exist. */
  readFile: (file: string) => Promise<string>;
}

export type CliTokenSource =
  | { kind: 'env'; variable: typeof ENV_TOKEN_VARIABLE }
  | { kind: 'settings'; file: string };

export interface CliToken {
  token: string;
  source: CliTokenSource;
  /** Where it was found, for people: "TURSO_API_TOKEN" or "~/.config/turso/settings.json". */
  where: string;
  /** The CLI's `username`, when its settings file has one. */
  username?: string;
}

export interface CliTokenDiscovery {
  /** In the CLI's order of precedence; the same token is listed once. */
  tokens: CliToken[];
  /** The settings file that was looked at. */
  settingsFile: string;
  /** Why something that was there could not be used (for the log; never contains a token). */
  problems: string[];
}

function pathFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** An environment variable; Windows names are case-insensitive. Empty counts as unset. */
export function readEnv(env: CliTokenEnvironment['env'], name: string, platform: NodeJS.Platform): string | undefined {
  let value = env[name];
  if (value === undefined && platform === 'win32') {
    const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
    value = key === undefined ? undefined : env[key];
  }
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * The CLI's configuration folder: `TURSO_CONFIG_FOLDER`, else `configdir.LocalConfig("turso")` of
 * kirsle/configdir: `%APPDATA%\turso` on Windows, `~/Library/Application Support/turso` on macOS,
 * `$XDG_CONFIG_HOME/turso` or `~/.config/turso` elsewhere.
 */
export function cliConfigFolder(env: CliTokenEnvironment['env'], homeDir: string, platform: NodeJS.Platform): string {
  const p = pathFor(platform);
  const override = readEnv(env, ENV_CONFIG_FOLDER_VARIABLE, platform);
  if (override) {
    return p.resolve(homeDir, override);
  }
  switch (platform) {
    case 'win32':
      return p.join(readEnv(env, 'APPDATA', platform) ?? p.join(homeDir, 'AppData', 'Roaming'), 'turso');
    case 'darwin':
      return p.join(homeDir, 'Library', 'Application Support', 'turso');
    default:
      return p.join(readEnv(env, 'XDG_CONFIG_HOME', platform) ?? p.join(homeDir, '.config'), 'turso');
  }
}

export function cliSettingsFile(env: CliTokenEnvironment['env'], homeDir: string, platform: NodeJS.Platform): string {
  return pathFor(platform).join(cliConfigFolder(env, homeDir, platform), SETTINGS_FILE);
}

/** A file path for people: the home folder as `~` (not on Windows, where `~` means nothing). */
export function displayPath(file: string, homeDir: string, platform: NodeJS.Platform): string {
  if (platform === 'win32' || !homeDir) {
    return file;
  }
  const home = homeDir.endsWith('/') ? homeDir.slice(0, -1) : homeDir;
  return file === home ? '~' : file.startsWith(`${home}/`) ? `~${file.slice(home.length)}` : file;
}

export interface CliSettings {
  token?: string;
  username?: string;
}

/**
 * `token` and `username` from the text of the CLI's settings.json. Viper matches keys
 * case-insensitively (and usually writes them lower-cased), so this does too. Throws when the text
 * is not a JSON object.
 */
export function parseCliSettings(text: string): CliSettings {
  const data: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new TypeError('it is not a JSON object');
  }
  const record = data as Record<string, unknown>;
  const get = (name: string): string | undefined => {
    const key = name in record ? name : Object.keys(record).find((k) => k.toLowerCase() === name);
    const value = key === undefined ? undefined : record[key];
    return typeof value === 'string' && value.trim() ? value.trim() : undefined;
  };
  return { token: get('token'), username: get('username') };
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? (err as { code?: string }).code : undefined;
}

/** Looks for the CLI's token(s), in the CLI's order of precedence. Never throws. */
export async function discoverCliTokens(input: CliTokenEnvironment): Promise<CliTokenDiscovery> {
  const { env, homeDir, platform } = input;
  const tokens: CliToken[] = [];
  const problems: string[] = [];

  const fromEnv = readEnv(env, ENV_TOKEN_VARIABLE, platform);
  if (fromEnv) {
    if (looksLikeJwt(fromEnv)) {
      tokens.push({ token: fromEnv, source: { kind: 'env', variable: ENV_TOKEN_VARIABLE }, where: ENV_TOKEN_VARIABLE });
    } else {
      problems.push(`${ENV_TOKEN_VARIABLE} is set but does not hold a Turso Platform API token (a JWT).`);
    }
  }

  const settingsFile = cliSettingsFile(env, homeDir, platform);
  const where = displayPath(settingsFile, homeDir, platform);
  let text: string | undefined;
  try {
    text = await input.readFile(settingsFile);
  } catch (err) {
    const code = errorCode(err);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      problems.push(`Couldn't read the Turso CLI's settings at ${where}: ${errorMessage(err)}`);
    }
  }
  if (text !== undefined) {
    let settings: CliSettings | undefined;
    try {
      settings = parseCliSettings(text);
    } catch (err) {
      // The parser's message may quote the file's text, which holds the token: never pass it on.
      problems.push(`The Turso CLI's settings at ${where} are not valid JSON${err instanceof TypeError ? ` (${err.message})` : ''}.`);
    }
    if (settings?.token) {
      if (!looksLikeJwt(settings.token)) {
        problems.push(`The token in the Turso CLI's settings at ${where} is not a Turso Platform API token (a JWT).`);
      } else if (!tokens.some((t) => t.token === settings.token)) {
        tokens.push({ token: settings.token, source: { kind: 'settings', file: settingsFile }, where, username: settings.username });
      } else if (settings.username) {
        tokens[0].username ??= settings.username;
      }
    }
  }
  return { tokens, settingsFile, problems };
}
