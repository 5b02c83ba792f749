// The e2e leak search: after the flows, every file the run's code-server instance holds (its user data:
// settings, logs, globalStorage and state; HOME and TMPDIR of the host; the extensions folder; the
// workspace) and the workbench's page errors (page-errors.log) are searched for each secret value the flows used — a whole value,
// and for a JWT its payload and its signature on their own. Hits are reported by file and by the
// value's name, never by the value.
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

function* walk(dir) {
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

/**
 * The places searched: the instance folder entirely, and the workbench's page errors. Not the
 * emulators' logs, nor the test GitHub sign-in's session file or the emulators' info files (the
 * tests' own, in the run folder outside the instance).
 */
export function leakSearchFiles() {
  const files = [...walk(e2e.instanceRoot)];
  const pageErrors = path.join(e2e.base, 'page-errors.log');
  if (fs.existsSync(pageErrors)) files.push(pageErrors);
  return files;
}

/**
 * Searches the run's files for each of `values` (a Map: what it is → the value). Returns
 * {files, hits: ["<what> in <file>"]}; never the values themselves.
 */
export function searchForValues(values) {
  const files = leakSearchFiles();
  const hits = [];
  const needles = [...values].map(([what, value]) => ({ what, needles: needlesOf(value).map((n) => Buffer.from(n, 'utf8')) }));
  for (const file of files) {
    let data;
    try {
      if (fs.statSync(file).size > MAX_FILE_BYTES) continue;
      data = fs.readFileSync(file);
    } catch {
      continue; // gone meanwhile (a log rotated, a lock file)
    }
    for (const { what, needles: list } of needles) {
      if (list.some((n) => data.includes(n))) hits.push(`${what} in ${path.relative(e2e.base, file)}`);
    }
  }
  return { files: files.length, hits };
}
