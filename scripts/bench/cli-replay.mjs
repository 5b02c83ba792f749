// The Turso CLI's request sequences for the same actions (from its source: /work/shared/reference/
// turso-api.md §4.2–§4.5), replayed against the emulator with the same injected latency. Each step
// waits for the previous answer, as the CLI does. Only the HTTP part is replayed: the CLI's process
// start, config file reads and output are not, so the CLI's real wall times are longer than these.
import { CLI_UA } from './requests.mjs';

/**
 * The sequences. `isJwtTokenValid` (§4.2) validates the stored token before every authenticated
 * command; API tokens (exp = -1) are re-validated on every run, a cached login token is not.
 */
export const CLI_ACTIONS = {
  list: {
    command: 'turso auth api-tokens list',
    source: '§4.2 isJwtTokenValid, §4.5 list',
    steps: () => [['GET', '/v1/auth/validate'], ['GET', '/v1/auth/api-tokens']],
  },
  mint: {
    command: 'turso auth api-tokens mint <name> --org acme',
    source: '§4.2, §4.5 mint (organization check via GET /v2/organizations)',
    steps: (name) => [['GET', '/v1/auth/validate'], ['GET', '/v2/organizations'],
      ['POST', `/v2/auth/api-tokens/${name}`, { organization: 'acme' }]],
  },
  revoke: {
    command: 'turso auth api-tokens revoke <name>',
    source: '§4.2, §4.5 revoke (list first; its y/n prompt comes before DELETE and is not timed here)',
    steps: (name) => [['GET', '/v1/auth/validate'], ['GET', '/v1/auth/api-tokens'], ['DELETE', `/v1/auth/api-tokens/${name}`]],
  },
  validate: {
    command: 'turso config set token <jwt>',
    source: '§4.1 (validates, then stores)',
    steps: () => [['GET', '/v1/auth/validate']],
  },
  signIn: {
    command: 'turso auth login (after the browser callback)',
    source: '§4.3 step 7 (GET /v1/current-user for the username)',
    steps: () => [['GET', '/v1/current-user']],
  },
};

/** Runs one sequence; resolves the wall time in ms (performance.now()). Throws on an unexpected status. */
export async function replay(url, token, action, name) {
  const base = url.replace(/\/$/, '');
  const t0 = performance.now();
  for (const [method, path, body] of CLI_ACTIONS[action].steps(name)) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'user-agent': CLI_UA, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30000),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`CLI replay ${action}: ${method} ${path} answered ${res.status}`);
  }
  return performance.now() - t0;
}
