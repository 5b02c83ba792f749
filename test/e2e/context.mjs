// State shared between the e2e runner (run.mjs) and the flow files: the page, the emulator, where
// screenshots go. Set by run.mjs before mocha loads the flows.
export const e2e = {
  /** @type {import('playwright-core').Page} */ page: undefined,
  /** "oldest" | "newest" */ host: '',
  /** code-server URL with the workspace folder */ workbenchUrl: '',
  /** {url, demoToken, demoApiToken} of the emulator process */ emulator: undefined,
  shotsDir: '',
  /** Promise that settles with a message when the browser crashes */ crashed: undefined,
  /** code-server's base URL (http://127.0.0.1:<port>) */ codeServerUrl: '',
  /** code-server instance folder (data/User/settings.json is under it) */ instanceRoot: '',
  /** the workspace folder the workbench opened */ workspaceDir: '',
  /** TURSO_CONFIG_FOLDER of the extension host (the Turso CLI's settings.json goes here) */ cliConfigDir: '',
  /** the VSIX under test (a flow that starts its own code-server installs it there) */ vsix: '',
  /** this run's results folder (.test-results/e2e/<host>) */ base: '',
  /**
   * Only in a GitHub run (run.mjs --github, github.mjs): the GitHub API emulator and the test GitHub
   * sign-in — {url, remote, login, token (the session's), sessionFile, repository, environment}
   */ github: undefined,
};

/** The emulator's HTTP admin API and Platform API, called as another client would. */
export async function emulatorHttp(method, path, body, bearer) {
  const res = await fetch(`${e2e.emulator.url.replace(/\/$/, '')}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`emulator ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}
