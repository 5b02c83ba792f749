// The e2e leak search: after the flows, every file the run's code-server instance holds (its user data:
// settings, logs, globalStorage and state; HOME and TMPDIR of the host; the extensions folder; the
// workspace), the browser's profile (code-server keeps the workbench's state, the extensions'
// globalState and webview state in the browser: IndexedDB, Local Storage, caches) and the workbench's
// page errors (page-errors.log) are searched for each secret value the flows used — a whole value, and
// for a JWT its payload and its signature on their own, each as UTF-8 and as UTF-16 (how the browser
// stores some strings). Hits are reported by file and by the value's name, never by the value.
// SecretStorage is the one place meant to hold a credential: code-server seals it (AES-GCM with a key
// part from the server) before it reaches the browser's Local Storage, so a raw value found there is
// a leak too. Not searched: leveldb blocks compacted with compression (recent writes, in .log files,
// are plain).
import fs from 'node:fs';
import path from 'node:path';
import { e2e } from './context.mjs';

const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** What to look for in each value: the value, and for a JWT its payload and signature (long enough to mean something). */
export function needlesOf(value) {
  const parts = value.split('.');
  const needles = [value];
  if (parts.length === 3) needles.push(...parts.slice(1).filter((p) => p.length >= 16));
  return needles;
}

/** Every file under `dir` (none when it cannot be read). */
export function* walk(dir) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}

/** The browser's profile folder of this run (run.mjs launches chromium with it). */
export function browserProfileDir() {
  return path.join(e2e.base, 'chromium');
}

/**
 * The places searched: the instance folder and the browser's profile entirely, and the workbench's
 * page errors. Not the emulators' logs, nor the test GitHub sign-in's session file or the emulators'
 * info files (the tests' own, in the run folder outside the instance).
 */
export function leakSearchFiles() {
  const files = [...walk(e2e.instanceRoot), ...walk(browserProfileDir())];
  const pageErrors = path.join(e2e.base, 'page-errors.log');
  if (fs.existsSync(pageErrors)) files.push(pageErrors);
  return files;
}

/** A run of token characters long enough to be (part of) a secret: a JWT's parts, a GitHub token. */
const RUN = /[A-Za-z0-9_-]{16,}/g;
const isRun = (text) => /^[A-Za-z0-9_-]{16,}$/.test(text);

/** Every run of token characters in `data`, read as bytes (ASCII, UTF-8) and as UTF-16 at either byte alignment. */
function runsIn(data) {
  const runs = new Set();
  for (const text of [data.toString('latin1'), data.toString('utf16le'), data.subarray(1).toString('utf16le')]) {
    for (const m of text.matchAll(RUN)) runs.add(m[0]);
  }
  return runs;
}

/**
 * Searches the run's files for each of `values` (a Map: what it is → the value). Returns
 * {files, hits: ["<what> in <file>"]}; never the values themselves. `allowed(file, what)`: a hit the
 * person asked for (a file they chose to write the value to). A JWT is looked for by its payload and its
 * signature (its whole value holds both), each among the file's runs of token characters — one pass per
 * file however many values (a part always stands between dots or at the value's end, so a copy is a
 * whole run); any other value is searched whole, as UTF-8 and as UTF-16, anywhere in the file.
 */
export function searchForValues(values, { allowed = () => false } = {}) {
  const files = leakSearchFiles();
  const hits = [];
  const byRun = new Map();
  const others = [];
  for (const [what, value] of values) {
    const needles = needlesOf(value);
    const parts = needles.slice(1);
    if (parts.length > 0 && parts.every(isRun)) {
      for (const n of parts) byRun.set(n, [...(byRun.get(n) ?? []), what]);
    } else {
      others.push({ what, bytes: needles.flatMap((n) => [Buffer.from(n, 'utf8'), Buffer.from(n, 'utf16le')]) });
    }
  }
  for (const file of files) {
    let data;
    try {
      if (fs.statSync(file).size > MAX_FILE_BYTES) continue;
      data = fs.readFileSync(file);
    } catch {
      continue; // gone meanwhile (a log rotated, a lock file)
    }
    const found = new Set();
    if (byRun.size > 0) {
      for (const run of runsIn(data)) for (const what of byRun.get(run) ?? []) found.add(what);
    }
    for (const { what, bytes } of others) if (bytes.some((b) => data.includes(b))) found.add(what);
    for (const what of found) {
      if (!allowed(file, what)) hits.push(`${what} in ${path.relative(e2e.base, file)}`);
    }
  }
  return { files: files.length, hits };
}
