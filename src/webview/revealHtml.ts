import * as l10n from '@vscode/l10n';
import { randomBytes } from 'node:crypto';

/**
 * The HTML of the one-time token reveal page, kept free of `vscode` so it is unit-tested in plain
 * Node. Everything interpolated is escaped: the name and scope come from the server or the user.
 * The page's behaviour is in `media/reveal.js`, its look in `media/reveal.css`: both go into the page
 * inline, each element carrying the render's nonce (the CSP allows nothing else), so the page needs no
 * request of its own and shows sooner.
 */
export interface RevealHtmlInput {
  /** A fresh `makeNonce()` for this render. */
  nonce: string;
  /** The text of media/reveal.js, put in the page with the nonce (no request for it: the page shows sooner). */
  script: string;
  /** The text of media/reveal.css, likewise. */
  style: string;
  name: string;
  scopeLabel: string;
  /** Make "Use for this extension" the primary, focused action (instead of Copy). */
  preselectUse?: boolean;
  /**
   * A database or group token (not a Platform API token): no "Use for this extension", and Save to
   * .env writes it as TURSO_AUTH_TOKEN next to TURSO_DATABASE_URL.
   */
  database?: boolean;
  /** Offer "Save as GitHub Actions Secret…" (default: offered). */
  gitHub?: boolean;
}

/** DOM ids the script and tests in the extension host rely on. */
export const REVEAL_IDS = {
  value: 'value',
  copy: 'copy',
  use: 'use',
  saveEnv: 'save-env',
  saveGitHub: 'save-github',
  status: 'status',
} as const;

/** A CSP nonce: 128 random bits, base64 (new for every render). */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Our own file's text, checked so it cannot end its element early. */
function inline(text: string, element: 'script' | 'style'): string {
  if (text.toLowerCase().includes(`</${element}`)) {
    throw new Error(`media/reveal.${element === 'script' ? 'js' : 'css'} contains "</${element}"`);
  }
  return text;
}

export function renderRevealHtml(input: RevealHtmlInput): string {
  const e = escapeHtml;
  const database = input.database === true;
  const useFirst = input.preselectUse === true && !database;
  // Inert (aria-disabled, still focusable) until the value arrives.
  const button = (id: string, label: string, primary: boolean, describedBy?: string): string =>
    `<button type="button" id="${id}" class="${primary ? 'primary' : 'secondary'}" aria-disabled="true"` +
    `${describedBy ? ` aria-describedby="${describedBy}"` : ''}${primary ? ' autofocus' : ''}>${label}</button>`;
  // Translated text is escaped; the markup inside a sentence comes in as an argument.
  const fill = (template: string, ...args: string[]): string => e(template).replace(/\{(\d+)\}/g, (m, i: string) => args[Number(i)] ?? m);
  const code = (text: string): string => `<code>${e(text)}</code>`;
  const strong = (text: string): string => `<strong>${e(text)}</strong>`;
  const csp = `default-src 'none'; style-src 'nonce-${e(input.nonce)}'; script-src 'nonce-${e(input.nonce)}';`;

  // The value is never in the html: the page opens while the token is being created and gets the
  // value by message (media/reveal.js puts it in #value, the only place it appears).
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${e(input.nonce)}">${inline(input.style, 'style')}</style>
<title>${e(database ? l10n.t('New database token') : l10n.t('New API token'))}</title>
</head>
<body data-preselect="${useFirst ? REVEAL_IDS.use : REVEAL_IDS.copy}" data-state="pending">
<main>
  <h1 id="heading" data-created="${e(database ? l10n.t('Database token created') : l10n.t('API token created'))}">${
    e(database ? l10n.t('Creating database token…') : l10n.t('Creating API token…'))}</h1>
  <dl class="facts">
    <dt>${e(database ? l10n.t('For') : l10n.t('Name'))}</dt><dd id="token-name">${e(input.name)}</dd>
    <dt>${e(database ? l10n.t('Access') : l10n.t('Scope'))}</dt><dd id="token-scope">${e(input.scopeLabel)}</dd>
  </dl>

  <p class="notice" id="notice">${strong(l10n.t('This value will not be shown again.'))}
    ${e(l10n.t('Copy it or save it now: closing this panel discards it.'))}</p>

  <div class="value-label" id="value-label">${e(l10n.t('Token value'))}</div>
  <pre class="value" id="${REVEAL_IDS.value}" role="textbox" aria-readonly="true" aria-multiline="false" aria-labelledby="value-label" aria-describedby="notice" aria-busy="true" tabindex="0"></pre>
  <p class="pending" id="pending">${e(l10n.t('Creating the token: its value appears here in a moment.'))}</p>

  <div class="actions" role="group" aria-label="${e(l10n.t('Token actions'))}">
    ${button(REVEAL_IDS.copy, e(l10n.t('Copy')), !useFirst)}
    ${database ? '' : button(REVEAL_IDS.use, e(l10n.t('Use for this extension')), useFirst, 'use-hint')}
    ${button(REVEAL_IDS.saveEnv, e(l10n.t('Save to .env')), false, 'save-env-hint')}
    ${input.gitHub === false ? '' : button(REVEAL_IDS.saveGitHub, e(l10n.t('Save as GitHub Actions Secret…')), false, 'save-github-hint')}
  </div>
  <p class="status" id="${REVEAL_IDS.status}" role="status" aria-live="polite" aria-atomic="true"></p>

  <h2>${e(l10n.t('Where to keep it'))}</h2>
  ${database ? databaseHints(input, fill, code, strong) : `<ul class="hints">
    <li>${fill(l10n.t('In an environment variable such as {0}, or in a secret manager. Never commit it to source control.'), code('TURSO_API_TOKEN'))}</li>
    <li id="use-hint">${fill(l10n.t('{0} signs this extension in with the new token, replacing its current credential (for example a 7-day login token).'), strong(l10n.t('Use for this extension')))}</li>
    <li id="save-env-hint">${fill(l10n.t({
      message: '{0} writes {1} to {2} in the workspace folder and, in a git repository, adds {2} to {3}.',
      comment: ['{0} is the button "Save to .env", {1} the variable name TURSO_API_TOKEN, {2} the file name .env, {3} the file name .gitignore.'],
    }), strong(l10n.t('Save to .env')), code('TURSO_API_TOKEN'), code('.env'), code('.gitignore'))}</li>
    ${gitHubHint(input, fill, code, strong, 'TURSO_API_TOKEN')}
  </ul>`}
</main>
<script nonce="${e(input.nonce)}">${inline(input.script, 'script')}</script>
</body>
</html>
`;
}

/** What the page says of where to keep a database or group token. */
function databaseHints(input: RevealHtmlInput, fill: (template: string, ...args: string[]) => string, code: (t: string) => string, strong: (t: string) => string): string {
  return `<ul class="hints">
    <li>${fill(l10n.t('In your app\'s environment as {0}, next to its database\'s URL in {1}, or in a secret manager. Never commit it to source control.'), code('TURSO_AUTH_TOKEN'), code('TURSO_DATABASE_URL'))}</li>
    <li id="save-env-hint">${fill(l10n.t({
      message: '{0} writes {1} and {2} to {3} in the workspace folder and, in a git repository, adds {3} to {4}.',
      comment: ['{0} is the button "Save to .env", {1} TURSO_DATABASE_URL, {2} TURSO_AUTH_TOKEN, {3} the file name .env, {4} the file name .gitignore.'],
    }), strong(l10n.t('Save to .env')), code('TURSO_DATABASE_URL'), code('TURSO_AUTH_TOKEN'), code('.env'), code('.gitignore'))}</li>
    ${gitHubHint(input, fill, code, strong, 'TURSO_AUTH_TOKEN')}
    <li>${escapeHtml(l10n.t('It is not a Platform API token: this extension cannot sign in with it. Database tokens cannot be revoked one by one; Invalidate Database Tokens stops every token of the database (or its group) at once.'))}</li>
  </ul>`;
}

/** What the page says of "Save as GitHub Actions Secret…" (nothing when it is not offered). */
function gitHubHint(input: RevealHtmlInput, fill: (template: string, ...args: string[]) => string, code: (t: string) => string, strong: (t: string) => string, name: string): string {
  if (input.gitHub === false) {
    return '';
  }
  return `<li id="save-github-hint">${fill(l10n.t({
    message: '{0} encrypts it for one of the workspace\'s GitHub repositories (or one of its environments) and saves it as a secret, by default {1}: its workflows read it, nobody sees it again.',
    comment: ['{0} is the button "Save as GitHub Actions Secret…", {1} the default secret name.'],
  }), strong(l10n.t('Save as GitHub Actions Secret…')), code(name))}</li>`;
}
