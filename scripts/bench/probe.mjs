// Timing inside the workbench page, so Playwright's own polling never adds to a measurement.
//
// arm(page, spec) installs, in the page, a listener for the user's input (the first mousedown or
// keydown after arming, capture phase: the moment the person clicks or presses Enter) and a check of
// "the result is on screen" run on every DOM mutation of the workbench and on every animation frame
// (the latter catches what happens inside webview iframes, which the observer does not see). When the
// check first passes after the input, the next animation frame's time is taken as "on screen" (the
// frame that paints it). result(page) waits for it and returns the interval in page time
// (performance.now(), sub-millisecond) plus both ends as epoch ms, to line up with the emulator's log.
// What the harness itself makes the page do inside a timed window is kept small: a row condition reads
// the side bar's text before it forces any style or layout (a DOM mutation comes every few
// milliseconds while a view fills), and the harness waits with plain evaluate calls, never Playwright's
// waitForFunction (see pollPage).
//
// frames(page) records, from start() to stop(), the gaps between animation frames and the main
// thread's long tasks (PerformanceObserver 'longtask'): a frame over 200 ms is a visible freeze.
/* global window, document, requestAnimationFrame, MutationObserver, location */

/**
 * Result conditions, evaluated in the page:
 *  {kind: 'rows', texts: [...], none?: [...]}  every text is in a visible row of the side bar's tree
 *                                      (and no visible row contains a text of `none`)
 *  {kind: 'tokenGone', name}           no visible tree row is the API token `name`
 *  {kind: 'notification', text}        a notification toast containing text is visible
 *  {kind: 'reveal', name}              the reveal webview shows a token value (and the token's name)
 *  {kind: 'welcome'}                   the view's "Sign In…" welcome button is visible
 *  {kind: 'tab', text}                 an editor tab whose title contains text is visible
 *  {kind: 'webviewText', text}         a visible webview shows text
 *  trigger: 'input' (default: first mousedown/keydown after arming) | 'now'
 *  also: [{label, kind, …, paint?}]    milestones on the way, each timed when first true (no frame wait;
 *                                      with `paint: true`, at the frame that paints it, as the result)
 */
/**
 * Waits until `predicate(arg)` is true in the page, asking every 50 ms with a plain evaluate. Not
 * Playwright's waitForFunction: its first use in a freshly loaded page evaluates Playwright's injected
 * script there (~330 KB, ~15-20 ms of the page's main thread), which would land inside the timed window.
 */
async function pollPage(page, predicate, arg, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // a page between two documents (a reload under way) answers nothing yet: ask again
    const met = await page.evaluate(predicate, arg).catch((e) => {
      if (/context was destroyed|navigat/i.test(String(e?.message))) return false;
      throw e;
    });
    if (met) return;
    if (Date.now() > deadline) throw new Error(`Timeout ${timeoutMs} ms exceeded`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function arm(page, spec) {
  await page.evaluate((spec) => {
    const visible = (el) => !!el && (typeof el.checkVisibility === 'function' ? el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) : el.getClientRects().length > 0);
    const rows = () => [...document.querySelectorAll('.part.sidebar .monaco-list-row')].filter(visible);
    const conds = {
      rows: (c) => {
        // the side bar's text first: no style or layout forced while the rows are still coming
        const all = document.querySelector('.part.sidebar')?.textContent || '';
        if (!c.texts.every((t) => all.includes(t))) return false;
        const texts = rows().map((r) => r.textContent || '');
        return c.texts.every((t) => texts.some((x) => x.includes(t))) && !(c.none || []).some((t) => texts.some((x) => x.includes(t)));
      },
      tokenGone: (c) => !rows().some((r) => (r.getAttribute('aria-label') || '').startsWith(`API token ${c.name},`)),
      notification: (c) => [...document.querySelectorAll('.notifications-toasts .notification-toast')]
        .some((n) => visible(n) && (n.textContent || '').includes(c.text)),
      reveal: (c) => {
        for (const f of document.querySelectorAll('iframe.webview')) {
          if (!visible(f)) continue;
          const inner = f.contentDocument?.querySelector('iframe#active-frame');
          const d = inner?.contentDocument;
          const value = d?.getElementById('value');
          if (value && (value.textContent || '').trim().length > 20 && (!c.name || (d.getElementById('token-name')?.textContent || '') === c.name)) return true;
        }
        return false;
      },
      welcome: () => [...document.querySelectorAll('.part.sidebar .welcome-view-content .monaco-button')].some((b) => visible(b) && /Sign In/.test(b.textContent || '')),
      tab: (c) => [...document.querySelectorAll('.part.editor .tabs-container .tab')].some((t) => visible(t) && (t.textContent || '').includes(c.text)),
      webviewText: (c) => [...document.querySelectorAll('iframe.webview')].some((f) => {
        const d = visible(f) ? f.contentDocument?.querySelector('iframe#active-frame')?.contentDocument : undefined;
        return !!d && (d.body?.innerText || '').includes(c.text);
      }),
    };
    const make = (c) => {
      const f = conds[c.kind];
      if (!f) throw new Error(`unknown condition ${c.kind}`);
      return () => f(c);
    };
    const cond = make(spec);
    const also = (spec.also || []).map((c) => ({ label: c.label, test: make(c), paint: c.paint === true, seen: false }));
    const st = { t0: null, t1: null, paint: null, error: null, marks: {} };
    window.__turso_bench_probe?.cancel?.();
    window.__turso_bench_probe = st;
    const onInput = (e) => {
      if (st.t0 === null) st.t0 = e.timeStamp;
    };
    const cleanup = () => {
      mo.disconnect();
      window.removeEventListener('mousedown', onInput, true);
      window.removeEventListener('keydown', onInput, true);
      st.stopped = true;
    };
    st.cancel = cleanup;
    const check = () => {
      if (st.stopped || st.t0 === null) return;
      for (const a of also) {
        if (!a.seen) {
          try {
            if (a.test()) {
              a.seen = true;
              const t = performance.now();
              // registered before the result's own frame callback: it runs first, in the same frame
              if (a.paint) requestAnimationFrame((ts) => { st.marks[a.label] = Math.max(ts, t); });
              else st.marks[a.label] = t;
            }
          } catch { /* not yet */ }
        }
      }
      let ok = false;
      try { ok = cond(); } catch (e) { st.error = String(e); }
      if (!ok) return;
      st.t1 = performance.now();
      cleanup();
      requestAnimationFrame((ts) => { st.paint = Math.max(ts, st.t1); });
    };
    const mo = new MutationObserver(check);
    mo.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    if (spec.trigger === 'now') st.t0 = performance.now();
    else {
      window.addEventListener('mousedown', onInput, true);
      window.addEventListener('keydown', onInput, true);
    }
    const loop = () => {
      check();
      if (!st.stopped) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }, spec);
}

/** Waits for the armed condition; returns {ms, startEpoch, endEpoch, domMs, marks: {label: ms after the input}}. */
export async function result(page, { timeoutMs = 30000, what = 'the result' } = {}) {
  try {
    await pollPage(page, () => window.__turso_bench_probe?.paint != null, undefined, timeoutMs);
  } catch (e) {
    const st = await page.evaluate(() => {
      const s = window.__turso_bench_probe;
      s?.cancel?.();
      return s && { t0: s.t0, error: s.error };
    }).catch(() => undefined);
    const why = st?.t0 == null ? 'the input that starts it was not seen' : `not on screen${st.error ? ` (${st.error})` : ''}`;
    throw new Error(`${what}: ${why} within ${Math.round(timeoutMs / 1000)} s${/Timeout/.test(e.message) ? '' : ` (${e.message})`}`);
  }
  const st = await page.evaluate(() => {
    const s = window.__turso_bench_probe;
    return { t0: s.t0, t1: s.t1, paint: s.paint, origin: performance.timeOrigin, marks: s.marks };
  });
  const marks = Object.fromEntries(Object.entries(st.marks).map(([k, v]) => [k, v - st.t0]));
  return { ms: st.paint - st.t0, domMs: st.t1 - st.t0, startEpoch: st.origin + st.t0, endEpoch: st.origin + st.paint, marks };
}

/** Frame gaps and long tasks between start() and stop(). */
export async function frames(page) {
  await page.evaluate(() => {
    const st = { gaps: [], longTasks: [], last: null, stopped: false, supported: true };
    window.__turso_bench_frames = st;
    try {
      st.obs = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) st.longTasks.push({ start: e.startTime, duration: e.duration });
      });
      st.obs.observe({ type: 'longtask', buffered: false });
    } catch {
      st.supported = false;
    }
    const loop = (ts) => {
      if (st.stopped) return;
      if (st.last !== null) st.gaps.push(ts - st.last);
      st.last = ts;
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
  return {
    /** @returns {Promise<{frames: number, maxGapMs: number, over200: number, over50: number, longTasks: number, maxLongTaskMs: number, longTasksOver200: number, longTaskSupported: boolean}>} */
    stop: () => page.evaluate(() => {
      const st = window.__turso_bench_frames;
      st.stopped = true;
      st.obs?.disconnect();
      const gaps = st.gaps;
      const lt = st.longTasks.map((t) => t.duration);
      return {
        frames: gaps.length,
        maxGapMs: gaps.length ? Math.max(...gaps) : 0,
        over200: gaps.filter((g) => g > 200).length,
        over50: gaps.filter((g) => g > 50).length,
        longTasks: lt.length,
        maxLongTaskMs: lt.length ? Math.max(...lt) : 0,
        longTasksOver200: lt.filter((d) => d > 200).length,
        longTaskSupported: st.supported,
      };
    }),
  };
}

/**
 * Watches a page load for the first frame that paints side-bar rows holding every text of each entry
 * of the URL's `turso-bench-boot` parameter (JSON: label → texts), in ms from the navigation's start
 * (performance time 0). Added as an init script, it does nothing on pages loaded without that parameter.
 */
export function bootWatcher() {
  const want = new URLSearchParams(location.search).get('turso-bench-boot');
  if (!want) return;
  const conds = JSON.parse(want);
  const st = { paint: {} };
  window.__turso_bench_boot = st;
  const rowTexts = () => [...document.querySelectorAll('.part.sidebar .monaco-list-row')].filter((r) => r.getClientRects().length > 0).map((r) => r.textContent || '');
  const frame = (ts) => {
    const rows = rowTexts();
    for (const [label, texts] of Object.entries(conds)) {
      if (st.paint[label] !== undefined || !texts.every((t) => rows.some((x) => x.includes(t)))) continue;
      st.paint[label] = null;
      requestAnimationFrame((next) => { st.paint[label] = next; });
    }
    if (ts < 60000 && Object.keys(st.paint).length < Object.keys(conds).length) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

/** The frame `bootWatcher` saw paint the rows of `label` (ms from the navigation's start). */
export async function bootPaint(page, label, { timeoutMs = 60000, what = 'the rows after the reload' } = {}) {
  try {
    await pollPage(page, (l) => Number.isFinite(window.__turso_bench_boot?.paint?.[l]), label, timeoutMs);
  } catch {
    throw new Error(`${what}: not painted within ${Math.round(timeoutMs / 1000)} s`);
  }
  return page.evaluate((l) => ({ paint: window.__turso_bench_boot.paint[l], origin: performance.timeOrigin }), label);
}
