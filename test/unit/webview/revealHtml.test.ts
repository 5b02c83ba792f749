import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { escapeHtml, makeNonce, renderRevealHtml, type RevealHtmlInput } from '../../../src/webview/revealHtml';

const NONCE = 'bm9uY2Utbm9uY2Utbm9uY2U=';

// The real page assets, as the extension inlines them (mocha runs from the repository root).
const SCRIPT = fs.readFileSync(path.join(process.cwd(), 'media', 'reveal.js'), 'utf8');
const STYLE = fs.readFileSync(path.join(process.cwd(), 'media', 'reveal.css'), 'utf8');

function input(extra: Partial<RevealHtmlInput> = {}): RevealHtmlInput {
  return {
    nonce: NONCE,
    script: SCRIPT,
    style: STYLE,
    name: 'ci-bot',
    scopeLabel: 'acme/default · read-only',
    ...extra,
  };
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** The opening tag of the element with this id. */
function tagWithId(html: string, id: string): string {
  const match = new RegExp(`<[a-z]+\\b[^>]*\\bid="${id}"[^>]*>`).exec(html);
  assert.ok(match, `an element with id="${id}"`);
  return match[0];
}

/** Every tag of the page, as written. */
function tags(html: string): string[] {
  return html.match(/<[^>]*>/g) ?? [];
}

const HOSTILE = ['<img src=x onerror=alert(1)>', 'javascript:alert(1)', '](command:workbench.action.terminal.new)', '"><script>alert(1)</script>', "' onmouseover='x"];

describe('renderRevealHtml (pure)', () => {
  const html = renderRevealHtml(input());

  it('sets a strict Content-Security-Policy: nothing by default, style and script by nonce only', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
    assert.ok(csp, 'a CSP meta tag');
    assert.equal(csp[1], `default-src 'none'; style-src 'nonce-${NONCE}'; script-src 'nonce-${NONCE}';`);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    // The CSP comes before anything it governs.
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<style'));
  });

  it('carries media/reveal.js and media/reveal.css in one script and one style element, each with the nonce; no handlers, no style attributes', () => {
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.deepEqual(scripts, [`<script nonce="${NONCE}">`]);
    assert.ok(html.includes(`<script nonce="${NONCE}">${SCRIPT}</script>`), 'the script is media/reveal.js, whole');
    const styles = html.match(/<style\b[^>]*>/g) ?? [];
    assert.deepEqual(styles, [`<style nonce="${NONCE}">`]);
    assert.ok(html.includes(`<style nonce="${NONCE}">${STYLE}</style>`), 'the style is media/reveal.css, whole');
    assert.doesNotMatch(html, /\sstyle=|<link\b|\ssrc=/);
    assert.ok(tags(html.replace(SCRIPT, '').replace(STYLE, '')).every((t) => !/\son[a-z]+=/i.test(t)), 'no event handler attributes');
  });

  it('refuses a script or style that would end its element early', () => {
    assert.throws(() => renderRevealHtml(input({ script: 'x = "</script><script>alert(1)";' })), /contains "<\/script"/);
    assert.throws(() => renderRevealHtml(input({ style: 'a{}</STYLE><script>' })), /contains "<\/style"/);
  });

  it('has no links at all (so nothing can navigate or run a command)', () => {
    assert.doesNotMatch(html, /<a\b/);
    assert.doesNotMatch(html, /command:/);
    assert.doesNotMatch(html, /<form\b/);
  });

  it('shows the name and the scope', () => {
    assert.match(html, /<dd id="token-name">ci-bot<\/dd>/);
    assert.match(html, /<dd id="token-scope">acme\/default · read-only<\/dd>/);
  });

  it('opens before the value exists: an empty, busy, labelled, focusable value block, and a line saying it is coming', () => {
    // The value reaches the page by message (media/reveal.js); no input of this function carries it.
    const block = tagWithId(html, 'value');
    assert.ok(html.includes(`${block}</pre>`), '#value starts empty');
    assert.match(block, /^<pre /);
    assert.match(block, /tabindex="0"/);
    assert.match(block, /aria-busy="true"/);
    const labelledBy = /aria-labelledby="([^"]+)"/.exec(block);
    assert.ok(labelledBy);
    assert.match(tagWithId(html, labelledBy[1]), /id="value-label"/);
    assert.match(html, /id="value-label">Token value</);
    assert.match(html, /<p class="pending" id="pending">Creating the token: its value appears here in a moment\.<\/p>/);
    assert.match(html, /<body [^>]*data-state="pending"/);
  });

  it('says it is creating the token, and carries the heading for when it is created', () => {
    assert.match(html, /<h1 id="heading" data-created="API token created">Creating API token…<\/h1>/);
  });

  it('starts with every action inert (aria-disabled, still focusable) until the value is there', () => {
    for (const id of ['copy', 'use', 'save-env']) {
      assert.match(tagWithId(html, id), /aria-disabled="true"/, id);
      assert.doesNotMatch(tagWithId(html, id), /\sdisabled/, `${id} keeps keyboard focus`);
    }
  });

  it('says the value will not be shown again and where to keep it', () => {
    assert.match(html, /will not be shown again/);
    assert.match(html, /TURSO_API_TOKEN/);
    assert.match(html, /Never commit it/);
  });

  it('has real buttons #copy, #use, #save-env, #save-github in that order, and an aria-live #status', () => {
    const ids = [...html.matchAll(/<button type="button" id="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(ids, ['copy', 'use', 'save-env', 'save-github']);
    assert.match(html, /id="save-github"[^>]*aria-describedby="save-github-hint"[^>]*>Save as GitHub Actions Secret…<\/button>/);
    assert.match(html, /<li id="save-github-hint"><strong>Save as GitHub Actions Secret…<\/strong>[^<]*<code>TURSO_API_TOKEN<\/code>/);
    assert.match(html, /id="copy"[^>]*>Copy<\/button>/);
    assert.match(html, />Use for this extension<\/button>/);
    assert.match(html, />Save to \.env<\/button>/);
    const status = tagWithId(html, 'status');
    assert.match(status, /aria-live="polite"/);
    assert.match(status, /role="status"/);
    // The value block comes before the buttons, so tab order follows reading order.
    assert.ok(html.indexOf('id="value"') < html.indexOf('id="copy"'));
  });

  it('offers no "Save as GitHub Actions Secret…" when the panel cannot save there (gitHub: false)', () => {
    const without = renderRevealHtml(input({ name: 'n', scopeLabel: 's', gitHub: false }));
    assert.doesNotMatch(without, /id="save-github/);
  });

  it('makes Copy the primary, focused button by default', () => {
    assert.match(tagWithId(html, 'copy'), /class="primary"/);
    assert.match(tagWithId(html, 'copy'), /autofocus/);
    assert.match(tagWithId(html, 'use'), /class="secondary"/);
    assert.doesNotMatch(tagWithId(html, 'use'), /autofocus/);
    assert.match(html, /<body data-preselect="copy"/);
    assert.equal(count(html, 'autofocus'), 1);
  });

  it('makes "Use for this extension" the primary, focused button with preselectUse', () => {
    const pre = renderRevealHtml(input({ preselectUse: true }));
    assert.match(tagWithId(pre, 'use'), /class="primary"/);
    assert.match(tagWithId(pre, 'use'), /autofocus/);
    assert.match(tagWithId(pre, 'copy'), /class="secondary"/);
    assert.doesNotMatch(tagWithId(pre, 'copy'), /autofocus/);
    assert.match(pre, /<body data-preselect="use"/);
    assert.equal(count(pre, 'autofocus'), 1);
  });

  for (const hostile of HOSTILE) {
    it(`escapes a hostile name and scope: ${hostile}`, () => {
      const page = renderRevealHtml(input({ name: hostile, scopeLabel: hostile }));
      const escaped = escapeHtml(hostile);
      assert.equal(count(page, escaped), 2, 'name and scope, each escaped');
      assert.doesNotMatch(escaped, /[<>"']/);
      assert.doesNotMatch(page, /<img\b/);
      assert.equal((page.match(/<script\b/g) ?? []).length, 1);
      // No tag gained an attribute: the text stayed text.
      assert.deepEqual(tags(page), tags(html));
      assert.match(page, /<title>New API token<\/title>/);
    });
  }

  it('escapes the nonce it is given too', () => {
    const page = renderRevealHtml(input({ nonce: 'n" onload="y"><b>' }));
    assert.doesNotMatch(page, /onload="y/);
    assert.doesNotMatch(page, /<b>/);
    assert.match(page, /<script nonce="n&quot; onload=&quot;y&quot;&gt;&lt;b&gt;">/);
  });

  it('escapeHtml escapes the five HTML-special characters', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('makeNonce is fresh, random and base64', () => {
    const nonces = new Set(Array.from({ length: 50 }, () => makeNonce()));
    assert.equal(nonces.size, 50);
    for (const n of nonces) {
      assert.match(n, /^[A-Za-z0-9+/]{22}==$/);
    }
  });
});

describe('renderRevealHtml for a database token (pure)', () => {
  const html = renderRevealHtml(input({ name: 'database orders', scopeLabel: 'acme · full access · never expires', database: true, preselectUse: true }));

  it('offers Copy and Save to .env, never "Use for this extension" (it is not a Platform API token)', () => {
    assert.ok(html.includes('id="copy"') && html.includes('id="save-env"'));
    assert.ok(!html.includes('id="use"'), 'no Use for this extension button');
    assert.match(html, /id="save-github"[^>]*>Save as GitHub Actions Secret…<\/button>/);
    assert.match(html, /<li id="save-github-hint"><strong>Save as GitHub Actions Secret…<\/strong>[^<]*<code>TURSO_AUTH_TOKEN<\/code>/);
    assert.ok(!html.includes('Use for this extension'), 'nor its hint');
    assert.match(tagWithId(html, 'copy'), /class="primary"[^>]*autofocus/, 'Copy is the primary action even when preselectUse is asked');
  });

  it('says what it is, and that Save to .env writes the URL and the token as a pair', () => {
    assert.match(html, /Creating database token…/);
    assert.match(html, /data-created="Database token created"/);
    assert.match(html, /<dd id="token-name">database orders<\/dd>/);
    assert.match(html, /<code>TURSO_DATABASE_URL<\/code> and <code>TURSO_AUTH_TOKEN<\/code> to <code>\.env<\/code>/);
    assert.ok(!html.includes('TURSO_API_TOKEN'));
  });
});
