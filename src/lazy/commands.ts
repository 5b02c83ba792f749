// The command factories as src/extension.ts registers them, each loading its real factory (from
// dist/features.js) on the command's first invocation: activation registers every command without
// loading any. Same names and types as the real ones. A new command: export its factory from
// ./features.ts and add a line here (`export const xCommand = lazyCommand('xCommand');`).
import { features, type FeaturesModule } from './load';

type Factory = (...deps: never[]) => (...args: never[]) => unknown;
type FactoryName = { [K in keyof FeaturesModule]: FeaturesModule[K] extends Factory ? K : never }[keyof FeaturesModule];

/** Every lazy factory's name (the tests check each resolves to a function of dist/features.js). */
export const LAZY_FACTORIES: FactoryName[] = [];

/** `name`'s factory: takes its deps now, makes the real handler on the first call and keeps it. */
function lazyCommand<K extends FactoryName>(name: K): FeaturesModule[K] {
  LAZY_FACTORIES.push(name);
  const factory = (...deps: unknown[]) => {
    let handler: ((...args: unknown[]) => unknown) | undefined;
    return (...args: unknown[]) => {
      handler ??= (features()[name] as unknown as (...d: unknown[]) => (...a: unknown[]) => unknown)(...deps);
      return handler(...args);
    };
  };
  return factory as unknown as FeaturesModule[K];
}

export const createDatabaseTokenCommand = lazyCommand('createDatabaseTokenCommand');
export const createTokenCommand = lazyCommand('createTokenCommand');
export const invalidateDatabaseTokensCommand = lazyCommand('invalidateDatabaseTokensCommand');
export const openTokenUsageCommand = lazyCommand('openTokenUsageCommand');
export const refreshCommand = lazyCommand('refreshCommand');
export const revokeOrganizationTokenCommand = lazyCommand('revokeOrganizationTokenCommand');
export const revokeTokenCommand = lazyCommand('revokeTokenCommand');
export const rotateTokenCommand = lazyCommand('rotateTokenCommand');
export const saveToGitHubSecretCommand = lazyCommand('saveToGitHubSecretCommand');
export const signInCommand = lazyCommand('signInCommand');
export const signInWithTokenForTests = lazyCommand('signInWithTokenForTests');
export const signOutCommand = lazyCommand('signOutCommand');
export const signOutEverywhereCommand = lazyCommand('signOutEverywhereCommand');
export const switchAccountCommand = lazyCommand('switchAccountCommand');
export const validateTokenCommand = lazyCommand('validateTokenCommand');

/** Opens the reveal panel (loads the features on the first call). */
export function openReveal(...args: Parameters<FeaturesModule['openReveal']>): ReturnType<FeaturesModule['openReveal']> {
  return features().openReveal(...args);
}

/** Makes a created token the extension's credential (loads the features on the first call). */
export function useCreatedToken(...args: Parameters<FeaturesModule['useCreatedToken']>): ReturnType<FeaturesModule['useCreatedToken']> {
  return features().useCreatedToken(...args);
}

/** Save as GitHub Actions Secret from a reveal panel (loads the features on the first call). */
export function saveToGitHub(...args: Parameters<FeaturesModule['saveToGitHub']>): ReturnType<FeaturesModule['saveToGitHub']> {
  return features().saveToGitHub(...args);
}

/** The writer of GitHub Actions secrets Rotate uses; the features (and the sealing code) load on its first write. */
export function gitHubSecretWriter(...args: Parameters<FeaturesModule['createGitHubSecretWriter']>): ReturnType<FeaturesModule['createGitHubSecretWriter']> {
  let writer: ReturnType<FeaturesModule['createGitHubSecretWriter']> | undefined;
  return {
    write: (place, value) => {
      writer ??= features().createGitHubSecretWriter(...args);
      return writer.write(place, value);
    },
  };
}
