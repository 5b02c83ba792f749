/**
 * Text from elsewhere (the server, another client, a user) made inert for the places VS Code renders
 * it: notifications and quick input messages turn `[label](command:…)`, `(https://…)` and
 * `(file:…)` into live links; control characters break lines and logs; bidirectional controls
 * reorder what is shown (a name can read as something else). No `vscode` import.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** Bidirectional-text controls: marks, embeddings, overrides and isolates. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Control characters become spaces, bidirectional controls are dropped, and `](` becomes `] (` so
 * no link syntax survives; longer than `maxLength`, the text is cut with an ellipsis.
 */
export function inertText(text: string, maxLength = Number.POSITIVE_INFINITY): string {
  const out = String(text).replace(CONTROL, ' ').replace(BIDI_CONTROLS, '').replace(/\]\(/g, '] (');
  return truncate(out, maxLength);
}

/**
 * Without `$(…)` codicon syntax, for the places that draw it as an icon (status bar, quick pick items,
 * tree rows): `$(account) admin` from the server would otherwise show an icon that is not ours. The
 * `$` goes; `(account)` stays, as text.
 */
export function withoutIcons(text: string): string {
  return String(text).replace(/\$\(/g, '(');
}

/** A name for a message or a label: inert, without codicon syntax, and at most `maxLength` characters. */
export function displayName(name: string, maxLength = 64): string {
  return inertText(withoutIcons(name), maxLength);
}

function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) {
    return text;
  }
  let end = Math.max(0, maxLength - 1);
  // Never split a surrogate pair.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) {
    end -= 1;
  }
  return `${text.slice(0, end)}…`;
}
