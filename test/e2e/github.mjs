// The GitHub side of the e2e flows that save tokens as GitHub Actions secrets (`*.github.e2e.mjs`,
// run by `run.mjs --github` in the GitHub test host of scripts/host/variants.mjs, without VS Code's own
// GitHub sign-in):
// - the GitHub API emulator (test/github-emulator, its main.js as a process of its own) on 127.0.0.1,
//   knowing the repository acme/app with the environment production (octo-admin is its admin);
// - the test GitHub sign-in (test/fixtures/github-auth, installed by run.mjs) signed in to GitHub
//   Enterprise as octo-admin: its session file ($TURSO_FIXTURE_GITHUB_FILE) holds a `github-enterprise`
//   session for the emulator's server, and the user setting `github-enterprise.uri` names that server;
// - the workspace folder a git repository whose `origin` is `<emulator>/acme/app.git`, with the built-in
//   git extension on (the other runs turn it off), so the product finds acme/app among its remotes.
// The session's token and the info file live in the run's folder, outside the instance (whose folders
// the leak search reads).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from '../../scripts/host/hosts.mjs';
import { spawnTracked, stopPid, waitFor } from '../../scripts/host/procs.mjs';
import { instanceDirs } from '../../scripts/host/code-server.mjs';
import { e2e } from './context.mjs';

/** Suffix of the run's folders, and of the flow files that run there (`<name>.github.e2e.mjs`). */
export const GITHUB_FLOWS = 'github';
export const isGitHubFlowFile = (file) => file.endsWith(`.${GITHUB_FLOWS}.e2e.mjs`);

export const REPOSITORY = 'acme/app';
export const ENVIRONMENT = 'production';
/** The emulator's user the session belongs to: admin of acme/app. */
export const LOGIN = 'octo-admin';

/**
 * Starts `node out/test/github-emulator/main.js --port 0 --info-file …`; resolves {url, adminToken, pid, log, stop}.
 * `main`: another build of that script (the bench bundles it from the sources it measures).
 */
export async function startGitHubEmulatorProcess(dir, { timeoutMs = 20000, main = path.join(REPO, 'out', 'test', 'github-emulator', 'main.js') } = {}) {
  if (!fs.existsSync(main)) throw new Error(`${main} not found: compile first (npx tsc -p .)`);
  fs.mkdirSync(dir, { recursive: true });
  const infoFile = path.join(dir, 'github-emulator-info.json');
  const log = path.join(dir, 'github-emulator.log');
  fs.rmSync(infoFile, { force: true });
  const child = spawnTracked(process.execPath, [main, '--port', '0', '--info-file', infoFile], { label: 'GitHub API emulator', logFile: log });
  let exited = false;
  child.once('exit', () => { exited = true; });
  try {
    const info = await waitFor(() => {
      if (exited) throw new Error('exited');
      return fs.existsSync(infoFile) && JSON.parse(fs.readFileSync(infoFile, 'utf8'));
    }, { timeoutMs, message: 'the GitHub API emulator to write its info file' });
    return { ...info, pid: child.pid, log, stop: () => stopPid(child.pid, { label: 'GitHub API emulator' }) };
  } catch (e) {
    await stopPid(child.pid);
    throw new Error(`the GitHub API emulator did not start: ${e.message}\n${fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : ''}`);
  }
}

/** The emulator's controls (`/__emulator/…`) at `url`. */
async function control(url, method, controlPath, body) {
  const res = await fetch(`${url}/__emulator${controlPath}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** The emulator's repository the flows save to (again after a reset, which drops added repositories). */
export async function addFlowRepository(url) {
  const r = await control(url, 'POST', '/repository', { fullName: REPOSITORY, access: { [LOGIN]: 'admin' }, environments: [ENVIRONMENT] });
  if (r.status !== 200 && !/exists/.test(r.body?.error ?? '')) throw new Error(`the GitHub API emulator did not add ${REPOSITORY}: ${r.status} ${JSON.stringify(r.body)}`);
}

/** `git …` in `cwd`, bounded, with no global or system configuration of this machine. */
function git(cwd, args) {
  execFileSync('git', args, {
    cwd, stdio: 'pipe', timeout: 20000,
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' },
  });
}

/** The fixture's session file: signed in to GitHub Enterprise (the emulator's server) as LOGIN, and nothing for github.com. */
export function writeSessionFile(file, { uri, token }) {
  const config = { github: { sessions: [] }, 'github-enterprise': { sessions: [{ token, label: LOGIN, id: LOGIN, scopes: ['repo'], uri }] } };
  fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}

/**
 * Before code-server starts: the GitHub API emulator with acme/app, the fixture's session file, the
 * workspace folder (`<root>/ws`) a git repository whose origin is on the emulator. Returns what
 * run.mjs passes on: the user settings, the extension host's environment, and for the flows (e2e.github):
 * {url, remote, login, token, sessionFile, repository, environment, pid, stop}.
 * `emulatorMain`: the emulator's script when not out/'s (see startGitHubEmulatorProcess).
 */
export async function prepareGitHubRun({ base, root, emulatorMain }) {
  const gh = await startGitHubEmulatorProcess(base, { main: emulatorMain });
  try {
    await addFlowRepository(gh.url);
    const sessionFile = path.join(base, 'github-auth.json');
    writeSessionFile(sessionFile, { uri: gh.url, token: gh.adminToken });
    const ws = instanceDirs(root).ws;
    const remote = `${gh.url}/${REPOSITORY}.git`;
    fs.rmSync(path.join(ws, '.git'), { recursive: true, force: true });
    git(ws, ['init', '-q', '-b', 'main']);
    git(ws, ['remote', 'add', 'origin', remote]);
    return {
      url: gh.url, remote, login: LOGIN, token: gh.adminToken, sessionFile, repository: REPOSITORY, environment: ENVIRONMENT, pid: gh.pid, log: gh.log, stop: gh.stop,
      settings: { 'github-enterprise.uri': gh.url, 'git.enabled': true, 'git.autofetch': false, 'git.openRepositoryInParentFolders': 'never' },
      env: { TURSO_FIXTURE_GITHUB_FILE: sessionFile },
    };
  } catch (e) {
    await gh.stop();
    throw e;
  }
}

// ---- for the flows ---------------------------------------------------------------------------------

/** The GitHub emulator's controls, called by a flow (throws on anything but 200). */
export async function githubControl(method, controlPath, body) {
  const r = await control(e2e.github.url, method, controlPath, body);
  if (r.status !== 200) throw new Error(`GitHub emulator ${method} ${controlPath} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  return r.body;
}

/** A saved secret's value, opened with the emulator's private key; undefined when there is no such secret. */
export async function openSecret({ repository = REPOSITORY, environment, name }) {
  const q = new URLSearchParams({ repository, name, ...(environment ? { environment } : {}) });
  const r = await control(e2e.github.url, 'GET', `/secret?${q}`);
  if (r.status === 404) return undefined;
  if (r.status !== 200) throw new Error(`GitHub emulator GET /secret answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  return r.body.value;
}

/** The emulator back to its seed, acme/app again, no faults (secrets, requests dropped). */
export async function resetGitHub() {
  await githubControl('POST', '/reset');
  await addFlowRepository(e2e.github.url);
}
