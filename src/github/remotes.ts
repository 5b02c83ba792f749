/**
 * GitHub repositories from git remote URLs, and the REST API base of their host. No `vscode` import.
 *
 * Accepted forms: `https://host[:port]/owner/repo[.git][/]`, `http://…` (kept only for what the API
 * base rules allow), `ssh://[user@]host[:port]/owner/repo[.git]`, `git://…`, `git+ssh://…` and the
 * scp-like `[user@]host:owner/repo[.git]`. Credentials in a URL (`https://user:token@host/…`) are
 * dropped and never kept: a result holds the host, the owner and the repository name only.
 */

export interface GitHubRepository {
  /** Lower-case host name, with the port for an http(s) remote (`ghe.example.com:8443`); IPv6 in brackets. */
  host: string;
  owner: string;
  repo: string;
}

export const GITHUB_DOT_COM = 'github.com';
const GITHUB_DOT_COM_API = 'https://api.github.com';
/** Hosts that are github.com under another name (`ssh.github.com` is its SSH-over-443 host). */
const GITHUB_DOT_COM_ALIASES: ReadonlySet<string> = new Set(['github.com', 'www.github.com', 'ssh.github.com']);
const MAX_URL_LENGTH = 2048;
/** GitHub's own rules, a little wider (Enterprise Server accounts may hold `_`): letters, digits, `-`, `_`, `.`. */
const OWNER = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;
const REPO = /^[A-Za-z0-9_.-]{1,100}$/;
const HOST_NAME = /^[a-z0-9](?:[a-z0-9-]{0,62})(?:\.[a-z0-9](?:[a-z0-9-]{0,62}))*$/;
const SCHEMES: ReadonlySet<string> = new Set(['https:', 'http:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:']);
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0020\u007f-\u009f\\%?#"'<>`{}|^]/;

/** The repository a git remote URL names, or undefined when it names none (a local path, a malformed or hostile URL). */
export function parseRemoteUrl(raw: string): GitHubRepository | undefined {
  if (typeof raw !== 'string') {
    return undefined;
  }
  const text = raw.trim();
  if (text.length === 0 || text.length > MAX_URL_LENGTH) {
    return undefined;
  }
  const url = toUrl(text);
  if (!url || !SCHEMES.has(url.protocol)) {
    return undefined;
  }
  const host = hostOf(url);
  const path = repositoryPath(url.pathname);
  if (!host || !path) {
    return undefined;
  }
  return { host, ...path };
}

/** `https://…` as a URL; the scp-like `[user@]host:path` as `ssh://[user@]host/path`. */
function toUrl(text: string): URL | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  let candidate = text;
  if (!scheme) {
    // scp-like: no "://", a host part before the first ":" and no "/" before it
    const scp = /^((?:[^@/:\s]+@)?(?:\[[0-9a-fA-F:.]+\]|[^@/:[\]\s]+)):(.+)$/.exec(text);
    if (!scp) {
      return undefined;
    }
    const hostPart = scp[1].slice(scp[1].lastIndexOf('@') + 1);
    // "C:/repos/x" is a Windows path, not host "c"
    if (/^[A-Za-z]$/.test(hostPart)) {
      return undefined;
    }
    candidate = `ssh://${scp[1]}/${scp[2].replace(/^\/+/, '')}`;
  }
  if (UNSAFE.test(candidate.replace(/^[^:]+:\/\/[^/]*/, (authority) => authority.replace(/%[0-9A-Fa-f]{2}/g, '')))) {
    return undefined;
  }
  try {
    return new URL(candidate);
  } catch {
    return undefined;
  }
}

/** The host as a result holds it: github.com's aliases folded, the port kept for http(s) only. */
function hostOf(url: URL): string | undefined {
  const name = url.hostname.toLowerCase().replace(/\.$/, '');
  const ipv6 = /^\[[0-9a-f:.]+\]$/.test(name);
  if (!ipv6 && !HOST_NAME.test(name)) {
    return undefined;
  }
  if (GITHUB_DOT_COM_ALIASES.has(name)) {
    return GITHUB_DOT_COM;
  }
  const web = url.protocol === 'https:' || url.protocol === 'http:';
  return web && url.port ? `${name}:${url.port}` : name;
}

/** `/owner/repo[.git][/]` → owner and repo; anything else (more or fewer parts, odd characters) → undefined. */
function repositoryPath(pathname: string): { owner: string; repo: string } | undefined {
  const parts = pathname.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
  if (parts.length !== 2) {
    return undefined;
  }
  const owner = parts[0];
  const repo = parts[1].replace(/\.git$/i, '');
  if (!OWNER.test(owner) || !REPO.test(repo) || repo === '.' || repo === '..') {
    return undefined;
  }
  return { owner, repo };
}

/** Whether `hostname` (no port; IPv6 with or without brackets) names this machine over loopback. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Whether `host` (as `parseRemoteUrl` gives it) is github.com. */
export function isGitHubDotCom(host: string): boolean {
  return GITHUB_DOT_COM_ALIASES.has(host.toLowerCase().replace(/\.$/, ''));
}

/**
 * The REST API base for a host: `https://api.github.com` for github.com, `https://<host>/api/v3` for
 * GitHub Enterprise Server, and `http://<host>/api/v3` for a loopback host (a local emulator): a
 * GitHub token is never sent in clear text over a network. A `TypeError` for what is not a host.
 */
export function apiBaseFor(host: string): string {
  const split = splitHost(typeof host === 'string' ? host.trim().toLowerCase() : '');
  if (!split) {
    throw new TypeError(`not a host name: ${JSON.stringify(String(host).slice(0, 100))}`);
  }
  if (GITHUB_DOT_COM_ALIASES.has(split.name) && !split.port) {
    return GITHUB_DOT_COM_API;
  }
  const authority = `${split.name.includes(':') ? `[${split.name}]` : split.name}${split.port ? `:${split.port}` : ''}`;
  return `${isLoopback(split.name) ? 'http' : 'https'}://${authority}/api/v3`;
}

/** `name[:port]`, `[v6][:port]` or a bare IPv6 `::1` → its parts, or undefined. */
function splitHost(host: string): { name: string; port?: string } | undefined {
  const m = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/.exec(host) ?? /^([^:[\]]+)(?::(\d{1,5}))?$/.exec(host)
    ?? (/^[0-9a-f]*:[0-9a-f:.]*$/.test(host) ? [host, host, undefined] : null);
  if (!m) {
    return undefined;
  }
  const name = m[1].replace(/\.$/, '');
  const port = m[2];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    return undefined;
  }
  const ipv6 = name.includes(':');
  if (ipv6 ? !/^[0-9a-f:.]+$/.test(name) : !HOST_NAME.test(name)) {
    return undefined;
  }
  return { name, port };
}

/** `owner/repo`, for messages and keys. */
export function repositoryName(repo: { owner: string; repo: string }): string {
  return `${repo.owner}/${repo.repo}`;
}

/** Whether two results name one repository (GitHub's owner and repository names ignore case). */
export function sameRepository(a: GitHubRepository, b: GitHubRepository): boolean {
  return a.host === b.host && a.owner.toLowerCase() === b.owner.toLowerCase() && a.repo.toLowerCase() === b.repo.toLowerCase();
}
