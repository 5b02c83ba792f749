// The one-time token reveal page (see src/webview/revealPanel.ts). It opens while the token is being
// created; the value arrives by message (it is never in the html). It never sends the value to the
// extension and never stores it (no setState): the extension holds it and does the copying.
(function () {
  // Provided by the webview host; callable once.
  const vscode = acquireVsCodeApi();
  const ACTIONS = ['copy', 'use', 'save-env', 'save-github'];
  const valueBlock = document.getElementById('value');
  const status = document.getElementById('status');
  let shownStatusId = undefined;
  let busy = [];
  let hasValue = false;

  for (const id of ACTIONS) {
    const button = document.getElementById(id);
    if (!button) {
      continue;
    }
    button.addEventListener('click', () => {
      // aria-disabled rather than disabled: a disabled button would lose keyboard focus.
      if (hasValue && !busy.includes(id)) {
        vscode.postMessage({ type: id });
      }
    });
  }

  if (valueBlock) {
    // A click in the block selects the whole value, ready to copy by hand.
    valueBlock.addEventListener('focus', () => selectValue());
    valueBlock.addEventListener('click', () => selectValue());
  }

  // Copying the whole value by hand (keyboard or context menu) counts as keeping it; only the fact is sent.
  document.addEventListener('copy', () => {
    const selected = String(window.getSelection() || '').trim();
    if (valueBlock && selected !== '' && selected === (valueBlock.textContent || '').trim()) {
      vscode.postMessage({ type: 'copied-by-hand' });
    }
  });

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || message.type !== 'state') {
      return;
    }
    if (typeof message.value === 'string' && message.value !== '' && !hasValue) {
      showValue(message.value);
    }
    busy = Array.isArray(message.busy) ? message.busy : [];
    for (const id of ACTIONS) {
      const button = document.getElementById(id);
      if (button) {
        button.setAttribute('aria-disabled', String(!hasValue || busy.includes(id)));
        button.classList.toggle('busy', busy.includes(id));
      }
    }
    if (message.status && message.status.id !== shownStatusId) {
      shownStatusId = message.status.id;
      announce(String(message.status.text), String(message.status.kind));
    }
  });

  function showValue(value) {
    hasValue = true;
    if (valueBlock) {
      valueBlock.textContent = value;
      valueBlock.setAttribute('aria-busy', 'false');
    }
    const heading = document.getElementById('heading');
    if (heading && heading.dataset.created) {
      heading.textContent = heading.dataset.created;
      // For screen readers: the value is there now (a status sent with it is announced after this).
      announce(heading.dataset.created, 'info');
    }
    const pending = document.getElementById('pending');
    if (pending) {
      pending.remove();
    }
    document.body.dataset.state = 'ready';
  }

  function announce(text, kind) {
    if (!status) {
      return;
    }
    status.className = 'status status-' + kind;
    // Emptied first, so a screen reader announces a repeated text ("Copied") again.
    status.textContent = '';
    setTimeout(() => {
      status.textContent = text;
    }, 50);
  }

  function selectValue() {
    const selection = window.getSelection();
    if (!valueBlock || !selection) {
      return;
    }
    const range = document.createRange();
    range.selectNodeContents(valueBlock);
    selection.removeAllRanges();
    selection.addRange(range);
  }

  const first = document.getElementById(document.body.dataset.preselect || 'copy');
  if (first) {
    first.focus();
  }
  vscode.postMessage({ type: 'ready' });
})();
