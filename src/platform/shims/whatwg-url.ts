// node-fetch 2 uses Node's own `url.URL` and only falls back to the `whatwg-url` package on very old
// Node versions. The bundle maps that package here so ~250 KB of Unicode tables stay out of it.
export const URL = globalThis.URL;
