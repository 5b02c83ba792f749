// Loads dist/features.js (./features.ts) the first time a command or feature needs it. In the bundle,
// dist/features.js is a function of the core's modules it imports: esbuild.js's entry hands them over
// through `provideCore()` as the core loads, so both bundles share one copy of each module (its state,
// its classes for `instanceof`). Compiled by tsc (the unit tests), ./features is the plain module.
import type * as Features from './features';

export type FeaturesModule = typeof Features;

let core: Readonly<Record<string, unknown>> = {};
let loaded: FeaturesModule | undefined;

/** The core's modules that dist/features.js imports, by path (called once, by the bundle's entry). */
export function provideCore(modules: Readonly<Record<string, unknown>>): void {
  core = modules;
}

/** The features, loaded on the first call (synchronously: no extra wait for the person). */
export function features(): FeaturesModule {
  if (!loaded) {
    // The bundle keeps this require (esbuild.js marks it external): dist/features.js, next to dist/extension.js.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('./features') as FeaturesModule | ((shared: Readonly<Record<string, unknown>>) => FeaturesModule);
    loaded = typeof m === 'function' ? m(core) : m;
  }
  return loaded;
}

/** Whether the features are loaded yet (for the in-host tests). */
export function featuresLoaded(): boolean {
  return loaded !== undefined;
}
