// The emulator as the benchmark sees it: its HTTP controls (/__emulator/…, never recorded, no latency)
// and the analysis of its request log — how many requests an action made, how many round trips they
// took, and whether any was repeated.
//
// Round trips. The emulator records each request's arrival time (`at`, its Date.now()) and how long it
// took to answer (`ms`; where an older emulator lacks it, the injected latency, which dwarfs its own
// handling). A request B can only depend on request A's answer if B arrived after A was answered:
// `B.at >= A.at + A.ms - 2` (2 ms of timer/clock rounding).
// Requests sent together arrive within a few ms of each other, so they overlap. The number of round
// trips is the longest chain of requests in which each arrived after the previous one was answered —
// the length of the critical path, which is what the user waits for. It is only meaningful when the
// latency is well above the spread of parallel requests (the bench warns below 50 ms).
// Only the extension's requests count (its User-Agent starts with `turso-api-tokens-vscode/`); the
// bench's own setup requests and the CLI replay use other User-Agents.

export const EXTENSION_UA = 'turso-api-tokens-vscode/';
export const CLI_UA = 'turso-cli-replay (bench)';
export const SETUP_UA = 'turso-bench-setup';
const SLACK_MS = 2;

export function emulatorClient(url) {
  const base = url.replace(/\/$/, '');
  async function call(method, path, { body, bearer, ua = SETUP_UA, timeoutMs = 15000 } = {}) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        'user-agent': ua,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = text; }
    return { status: res.status, ok: res.ok, body: json };
  }
  async function admin(method, path, body) {
    const r = await call(method, `/__emulator${path}`, { body });
    if (!r.ok) throw new Error(`emulator ${method} /__emulator${path} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`);
    return r.body;
  }
  return {
    url: base,
    call,
    setLatency: (ms) => admin('POST', '/latency', { ms }),
    reset: () => admin('POST', '/reset'),
    clearRequests: () => admin('DELETE', '/requests'),
    /** @returns {Promise<Array<{method: string, path: string, query: string, status: number, at: number, ms: number, username?: string, userAgent?: string}>>} */
    requests: () => admin('GET', '/requests'),
  };
}

export const fromExtension = (r) => (r.userAgent || '').startsWith(EXTENSION_UA);
export const fromCli = (r) => r.userAgent === CLI_UA;

export function label(r) {
  return `${r.method} ${r.path}${r.query ? `?${r.query}` : ''}`;
}

/**
 * The round-trip structure of a set of requests (see the header).
 * @returns {{requests: number, roundTrips: number, stages: string[][], repeated: string[], chain: string[]}}
 *   stages: the requests grouped by their depth in the chain (depth 1 = sent first, together)
 */
export function analyze(reqs, latencyMs) {
  const rs = [...reqs].sort((a, b) => a.at - b.at);
  const depth = [];
  const prev = [];
  for (let i = 0; i < rs.length; i++) {
    depth[i] = 1;
    prev[i] = -1;
    for (let j = 0; j < i; j++) {
      const answered = rs[j].at + (typeof rs[j].ms === 'number' ? rs[j].ms : latencyMs);
      if (rs[i].at >= answered - SLACK_MS && depth[j] + 1 > depth[i]) {
        depth[i] = depth[j] + 1;
        prev[i] = j;
      }
    }
  }
  const roundTrips = rs.length ? Math.max(...depth) : 0;
  const stages = Array.from({ length: roundTrips }, () => []);
  rs.forEach((r, i) => stages[depth[i] - 1].push(label(r)));
  // one longest chain, for the evidence
  let end = depth.indexOf(roundTrips);
  const chain = [];
  while (end >= 0) {
    chain.unshift(label(rs[end]));
    end = prev[end];
  }
  // The same request for two accounts (each with its own credential) is no repeat.
  const users = new Set(rs.map((r) => r.username));
  const key = (r) => (users.size > 1 ? `${label(r)} (as ${r.username ?? 'nobody'})` : label(r));
  const counts = new Map();
  for (const r of rs) counts.set(key(r), (counts.get(key(r)) || 0) + 1);
  const repeated = [...counts].filter(([, n]) => n > 1).map(([l, n]) => `${l} ×${n}`);
  return { requests: rs.length, roundTrips, stages, repeated, chain };
}

/** "GET /v1/user ‖ GET /v1/auth/validate → GET /v1/auth/api-tokens" */
export function describeStages(stages) {
  return stages.map((s) => s.map(shortLabel).join(' ‖ ')).join(' → ');
}

export function shortLabel(l) {
  // GitHub Enterprise paths without their /api/v3 (the GitHub emulator logs them as sent)
  return l.replace(/\/(v1|v2)\/auth\/api-tokens\/[^/?\s]+/, '/$1/auth/api-tokens/{name}').replace(/^(\w+ )\/api\/v3\//, '$1/');
}
