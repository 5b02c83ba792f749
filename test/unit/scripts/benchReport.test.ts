// scripts/bench/report.mjs and requests.mjs: the verdicts of the bench's targets from its results —
// the cold open as two results (the first paint from the last known state: no round trip; the fresh
// tree: one), the refresh with two accounts, and the spread of every target across repeated runs.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

interface Target { target: string; measured: string; met: boolean; by: string; figures: [string, number, string][] }
interface Report {
  checkTargets(r: unknown): Target[];
  renderReport(r: unknown, o: { command: string; repeats?: unknown[] }): { markdown: string; met: number; total: number };
}
interface Requests {
  analyze(reqs: unknown[], latencyMs: number): { requests: number; roundTrips: number; repeated: string[] };
}

// A native import() (tsc would turn a plain one into require(), which cannot load an ES module).
const importModule = new Function('url', 'return import(url)') as <T>(url: string) => Promise<T>;
const BENCH = path.resolve(__dirname, '../../../../scripts/bench');

type Action = Record<string, unknown>;
function action(o: Action = {}): Action {
  return {
    title: 'an action', driven: 'UI', resultLabel: 'shown', runs: 3, ms: [150, 160, 170], median: 160, slopeMs: [1160], slopeMedian: 1160,
    rtSlope: 1, rtWaited: 1, requests: 3, requestsRange: [3, 3], rtAll: 1, rtAfterTrigger: 1, repeated: [],
    stages: [['GET /v1/user', 'GET /v1/auth/validate', 'GET /v1/auth/api-tokens']], stagesAfterTrigger: [['GET /v1/user', 'GET /v1/auth/validate', 'GET /v1/auth/api-tokens']],
    marks: {}, firstMs: 20, lastMs: 125, detail: [], ...o,
  };
}
function results(actions: Record<string, Action>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    latencyMs: 100, latency2Ms: 1100, slopeRuns: 1, runs: 3, tokens: 5000, openCancelled: [], beforeView: [0, 0, 0], problems: [], cli: {},
    host: { vscode: '1.139.1', codeServer: '4.139.1', node: '24' }, machine: { date: 'today', nproc: 2, loadavg: [1, 1, 1], loadavgEnd: [1, 1, 1] },
    activation: { host: [], nodeRequire: [] }, seconds: 60,
    actions: {
      open: action({ title: 'open the view, cold: fresh tree', median: 400, rtSlope: 0.95, rtWaited: 1, firstMs: 250, lastMs: 355 }),
      openCached: action({ title: 'open the view, cold: first paint', derivedFrom: 'open', milestone: 'first paint', median: 300, rtSlope: 0.01, rtWaited: 0, missing: 0 }),
      refreshTwo: action({ title: 'refresh, two accounts', requests: 6, byAccount: { demo: 3, alice: 3 } }),
      ...actions,
    },
    ...extra,
  };
}
const find = (ts: Target[], start: string) => {
  const t = ts.find((x) => x.target.startsWith(start));
  assert.ok(t, `a target "${start}…": ${JSON.stringify(ts.map((x) => x.target))}`);
  return t;
};

describe('bench targets (scripts/bench/report.mjs)', () => {
  let report: Report;
  let requests: Requests;
  before(async () => {
    report = await importModule<Report>(pathToFileURL(path.join(BENCH, 'report.mjs')).href);
    requests = await importModule<Requests>(pathToFileURL(path.join(BENCH, 'requests.mjs')).href);
  });

  it('the cold open is two targets: the first paint met with no round trip, the fresh tree met with one', () => {
    const base = results({}) as { actions: Record<string, Action> };
    base.actions.openCached.markedRefreshing = { runs: 3, of: 4 };
    const ts = report.checkTargets(base);
    const paint = find(ts, 'Cold open, first useful paint');
    assert.match(paint.measured, /marked "refreshing…", painted first in 3 of 4 run/);
    const fresh = find(ts, 'Cold open, fresh tree');
    assert.equal(paint.met, true, paint.measured);
    assert.match(paint.measured, /^0 \(slope 0\.01\) round trip/);
    assert.equal(fresh.met, true, fresh.measured);
    assert.match(fresh.measured, /^1 \(slope 0\.95\) round trip/);
    assert.ok(!ts.some((t) => /-1 extra/.test(t.by)), 'no negative "extra round trips"');
  });

  it('a first paint that waited for an answer, or never showed, is missed and says why', () => {
    const waited = find(report.checkTargets(results({ openCached: action({ derivedFrom: 'open', median: 450, rtSlope: 1.02, rtWaited: 1, missing: 0 }) })), 'Cold open, first useful paint');
    assert.equal(waited.met, false);
    assert.match(waited.by, /1 round trip\(s\) instead of 0/);
    const never = find(report.checkTargets(results({ openCached: action({ derivedFrom: 'open', runs: 0, ms: [], missing: 4 }) })), 'Cold open, first useful paint');
    assert.equal(never.met, false);
    assert.match(never.measured, /not seen in any of 4 run/);
    const fresh = find(report.checkTargets(results({ open: action({ rtSlope: 2.1, rtWaited: 2 }) })), 'Cold open, fresh tree');
    assert.equal(fresh.met, false);
    assert.match(fresh.by, /2 round trip\(s\) instead of 1/);
  });

  it('the reload with the view showing says which part is VS Code\'s: when its extension host called activate(), and the rest after it', () => {
    const bootControl = {
      turso: [4000, 4100, 4200], explorer: [1500, 1600, 1700], tursoFirstRequest: [3900], tursoMedian: 4100, explorerMedian: 1600, firstRequestMedian: 3900,
      hostReady: [3300], activateAt: [3550], hostReadyMedian: 3300, activateAtMedian: 3550,
    };
    const row = find(report.checkTargets(results({}, { bootControl })), 'Reload with the view showing');
    assert.equal(row.met, false);
    assert.match(row.measured, /extension host was ready at 3300 ms and called activate\(\) at 3550 ms \(1950 ms after the Explorer's rows\), from activate\(\) to the first paint 550 ms/);
    // without the marks (the report could not be read), the row still stands, without the split
    const without = find(report.checkTargets(results({}, { bootControl: { ...bootControl, activateAtMedian: NaN, hostReadyMedian: NaN } })), 'Reload with the view showing');
    assert.doesNotMatch(without.measured, /activate\(\)/);
  });

  it('a refresh with two accounts is met only when both accounts\' requests went out in one round trip', () => {
    const met = find(report.checkTargets(results({})), 'Refresh with two accounts');
    assert.equal(met.met, true, met.measured);
    assert.match(met.measured, /3 as demo, 3 as alice/);
    const one = find(report.checkTargets(results({ refreshTwo: action({ byAccount: { demo: 3 } }) })), 'Refresh with two accounts');
    assert.equal(one.met, false);
    const chained = find(report.checkTargets(results({ refreshTwo: action({ rtAll: 2, rtSlope: 2, rtWaited: 2, byAccount: { demo: 3, alice: 3 } }) })), 'Refresh with two accounts');
    assert.equal(chained.met, false);
  });

  it('an action timed to another\'s milestone does not count that action\'s repeated requests twice', () => {
    const ts = report.checkTargets(results({
      open: action({ repeated: ['GET /v1/user ×2'] }),
      openCached: action({ derivedFrom: 'open', rtSlope: 0, rtWaited: 0, repeated: ['GET /v1/user ×2'] }),
    }));
    assert.equal(find(ts, 'No request repeated').by, '1 action(s) repeat requests');
  });

  it('the same request for two accounts is no repeat; twice for one account is', () => {
    const req = (username: string, at: number) => ({ method: 'GET', path: '/v1/user', query: '', status: 200, at, ms: 100, username });
    assert.deepEqual(requests.analyze([req('demo', 0), req('alice', 1)], 100).repeated, []);
    assert.deepEqual(requests.analyze([req('demo', 0), req('demo', 1)], 100).repeated, ['GET /v1/user ×2']);
  });

  it('with repeated runs, the report has each target\'s figures as min / median / max and how often it was met', () => {
    const runs = [400, 520, 450].map((median, i) => results({
      open: action({ title: 'open the view, cold: fresh tree', median, rtSlope: 0.9 + i / 100, rtWaited: 1 }),
      ...(i === 1 ? { openCached: action({ derivedFrom: 'open', median: 600, rtSlope: 1, rtWaited: 1, missing: 0 }) } : {}),
    }));
    const { markdown } = report.renderReport(runs[2], { command: 'npm run bench -- --repeat 3', repeats: runs });
    assert.match(markdown, /## Spread across 3 runs/);
    const lines = markdown.slice(markdown.indexOf('## Spread across')).split('\n');
    const fresh = lines.findIndex((l) => l.startsWith('| Cold open, fresh tree'));
    assert.ok(fresh > 0, 'a row for the fresh tree');
    assert.match(lines[fresh], /\| round trips waited for \| 1 \| 1 \| 1 \| 3 of 3 \|$/);
    const wall = lines.slice(fresh, fresh + 4).find((l) => l.includes('wall, median'));
    assert.match(wall ?? '', /\| 400 ms \| 450 ms \| 520 ms \|/);
    const paint = lines.find((l) => l.startsWith('| Cold open, first useful paint'));
    assert.match(paint ?? '', /\| round trips waited for \| 0 \| 0 \| 1 \| 2 of 3 \|$/);
  });
  describe('Save as GitHub Actions secret (issue 24)', () => {
    const KEY = 'GET /api/v3/repos/acme/app/actions/secrets/public-key';
    const NAMES = 'GET /api/v3/repos/acme/app/actions/secrets';
    const ENVS = 'GET /api/v3/repos/acme/app/environments';
    const PUT = 'PUT /api/v3/repos/acme/app/actions/secrets/BENCH_REPO_05';
    const save = (o: Action = {}) => action({
      title: 'Save as GitHub Actions secret (a repository secret)', median: 180, requests: 4, requestsRange: [4, 4], rtAll: 2,
      requestsAfterTrigger: 1, requestsAfterTriggerRange: [1, 1], stages: [[KEY, NAMES, ENVS], [PUT]], stagesAfterTrigger: [[PUT]],
      requestsBefore: 3, stagesBefore: [[KEY, NAMES, ENVS]], expectedBefore: 3, ...o,
    });
    const repoRow = 'Save as GitHub Actions secret → saved (a repository secret)';

    it('is met with the PUT alone after the last answer and one round trip, and says what was asked before it', () => {
      const met = find(report.checkTargets(results({ githubSave: save() })), repoRow);
      assert.equal(met.met, true, met.measured);
      assert.match(met.target, /one request after the last answer \(the PUT\), one round trip$/);
      assert.match(met.measured, /^1 request\(s\) after the input \(PUT \/repos\/acme\/app\/actions\/secrets\/BENCH_REPO_05\), 1 \(slope 1\.00\) round trip/);
      assert.match(met.measured, /before it, while the person chooses: 3 request\(s\) \(GET \/repos\/acme\/app\/actions\/secrets\/public-key ‖ GET \/repos\/acme\/app\/actions\/secrets ‖ GET \/repos\/acme\/app\/environments\)$/);
      assert.deepEqual(met.figures.find((f) => f[0] === 'requests before the last answer'), ['requests before the last answer', 3, '']);
      assert.equal(find(report.checkTargets(results({})), repoRow).by, 'not measured');
      assert.equal(find(report.checkTargets(results({})), 'Save as GitHub Actions secret → saved (an environment secret)').by, 'not measured');
    });

    it('is missed when the key is asked after the last answer, when it waits two round trips, or when the one request is not the PUT', () => {
      const late = find(report.checkTargets(results({ githubSave: save({
        requestsAfterTrigger: 2, requestsAfterTriggerRange: [2, 2], stagesAfterTrigger: [[KEY], [PUT]], rtSlope: 2.02, rtWaited: 2,
        requestsBefore: 2, stagesBefore: [[NAMES, ENVS]],
      }) })), repoRow);
      assert.equal(late.met, false);
      assert.match(late.by, /2 request\(s\) after the input instead of 1, 2 round trip\(s\) waited for instead of 1/);
      assert.match(late.measured, /2 request\(s\) \(3 expected\)/);
      const notPut = find(report.checkTargets(results({ githubSave: save({ stagesAfterTrigger: [[KEY]] }) })), repoRow);
      assert.equal(notPut.met, false);
      assert.equal(notPut.by, 'the request after the last answer is not the PUT');
    });

    it('the environment secret has a row of its own, and both are in the action table', () => {
      const envPut = 'PUT /api/v3/repos/acme/app/environments/production/secrets/BENCH_ENV_05';
      const env = save({ title: 'Save as GitHub Actions secret (an environment secret, production)', stagesAfterTrigger: [[envPut]], requestsBefore: 5, expectedBefore: 5 });
      const row = find(report.checkTargets(results({ githubSaveEnv: env })), 'Save as GitHub Actions secret → saved (an environment secret)');
      assert.equal(row.met, true, row.measured);
      assert.match(row.measured, /PUT \/repos\/acme\/app\/environments\/production\/secrets\/BENCH_ENV_05/);
      const { markdown } = report.renderReport(results({ githubSave: save(), githubSaveEnv: env }), { command: 'npm run bench' });
      assert.match(markdown, /\| Save as GitHub Actions secret → saved \(a repository secret\): one request after the last answer \(the PUT\), one round trip \| 1 request/);
      assert.match(markdown, /\| Save as GitHub Actions secret \(a repository secret\) \|/, 'the action table has the repository save');
      assert.match(markdown, /\| Save as GitHub Actions secret \(an environment secret, production\) \|/, 'the action table has the environment save');
      assert.match(markdown, /- \*\*Save as GitHub Actions secret\*\* \(issue 24\)/, 'the Method section describes it');
    });
  });

  describe('databases (issue 23)', () => {
    const dbExpand = (o: Action = {}) => action({
      title: 'expand Databases', requests: 1, requestsRange: [1, 1], requestsAfterTrigger: 1, requestsAfterTriggerRange: [1, 1],
      stages: [['GET /v1/organizations/acme/databases']], stagesAfterTrigger: [['GET /v1/organizations/acme/databases']], ...o,
    });
    const dbCreate = (o: Action = {}) => action({
      title: 'create (database token)', median: 420, requestsAfterTrigger: 1, requestsAfterTriggerRange: [1, 1],
      stagesAfterTrigger: [['POST /v1/organizations/acme/databases/orders/auth/tokens?expiration=7d&authorization=read-only']], ...o,
    });
    const frames = (longest: number) => ({ frames: 60, maxGapMs: longest, over200: longest > 200 ? 1 : 0, over50: 1, longTasks: 1, maxLongTaskMs: 40, longTasksOver200: 0, longTaskSupported: true });
    const bulk = (longest: number[]) => ({
      databases: 1000, organization: 'studio', seedSeconds: 0.4, idle: frames(20), requests: 1, roundTrips: 1,
      loads: longest.map((l) => ({ renderMs: 300, requests: 1, roundTrips: 1, ...frames(l) })),
    });

    it('expanding Databases is met with one request after the click and one round trip; two requests or two round trips miss it', () => {
      const met = find(report.checkTargets(results({ dbExpand: dbExpand() })), 'Databases expanded');
      assert.equal(met.met, true, met.measured);
      assert.match(met.measured, /^1 request\(s\) after the input \(GET \/v1\/organizations\/acme\/databases\), 1 \(slope 1\.00\) round trip/);
      const two = find(report.checkTargets(results({ dbExpand: dbExpand({ requestsAfterTrigger: 2, requestsAfterTriggerRange: [2, 2] }) })), 'Databases expanded');
      assert.equal(two.met, false);
      assert.match(two.by, /2 request\(s\) after the input instead of 1/);
      const chained = find(report.checkTargets(results({ dbExpand: dbExpand({ rtSlope: 2.04, rtWaited: 2 }) })), 'Databases expanded');
      assert.equal(chained.met, false);
      assert.match(chained.by, /2 round trip\(s\) waited for instead of 1/);
      const once = find(report.checkTargets(results({ dbExpand: dbExpand({ requestsAfterTriggerRange: [1, 2] }) })), 'Databases expanded');
      assert.equal(once.met, false, 'one run with 2 requests misses it');
      assert.equal(find(report.checkTargets(results({})), 'Databases expanded').by, 'not measured');
    });

    it('Create Database Token is met with the mint alone after the last answer and one round trip', () => {
      const met = find(report.checkTargets(results({ dbCreate: dbCreate() })), 'Create Database Token → value shown');
      assert.equal(met.met, true, met.measured);
      assert.match(met.measured, /POST \/v1\/organizations\/acme\/databases\/orders\/auth\/tokens/);
      assert.match(met.measured, /last answer → value painted in the panel median 420 ms/);
      const listed = find(report.checkTargets(results({ dbCreate: dbCreate({ requestsAfterTrigger: 2, requestsAfterTriggerRange: [2, 2], rtSlope: 1.9, rtWaited: 2 }) })), 'Create Database Token → value shown');
      assert.equal(listed.met, false);
      assert.match(listed.by, /2 request\(s\) after the input instead of 1, 2 round trip\(s\) waited for instead of 1/);
    });

    it('1,000 databases are met with every frame at most 200 ms, missed by one over it, and have a section of their own', () => {
      const met = find(report.checkTargets(results({}, { databases: bulk([120, 90, 80]) })), '1,000 databases');
      assert.equal(met.met, true, met.measured);
      const slow = find(report.checkTargets(results({}, { databases: bulk([120, 260, 80]) })), '1,000 databases');
      assert.equal(slow.met, false);
      assert.match(slow.by, /a frame over 200 ms in 1 of 3 expands; the longest 60 ms over/);
      assert.equal(find(report.checkTargets(results({})), '1,000 databases').by, 'not measured');
      const { markdown } = report.renderReport(results({ dbExpand: dbExpand(), dbCreate: dbCreate() }, { databases: bulk([120, 90, 80]) }), { command: 'npm run bench' });
      assert.match(markdown, /## An organization with 1,000 databases/);
      assert.match(markdown, /\| frames during expand 2 \(click → first rows \+ 1 s\) \| 60 frames, longest 90 ms/);
      assert.match(markdown, /\| expand Databases \|/, 'the action table has the expand');
      assert.match(markdown, /- \*\*Databases\*\* \(issue 23\)/, 'the Method section describes them');
    });
  });
});
