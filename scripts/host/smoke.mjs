#!/usr/bin/env node
// The installer's last check before it writes a host's marker: what the tests need from a host, not
// just `code-server --version` (which loads none of VS Code's server modules).
//   1. an extension installs: `--install-extension` of a tiny VSIX made here (VS Code's server-main
//      and its dependencies load), and `--list-extensions` lists it;
//   2. the server starts with that extension and serves the workbench page.
// usage: node scripts/host/smoke.mjs <host>    (exit 0: the host works; otherwise one line says why)
// Part of the installer's stamp (hosts.mjs): changing this file reinstalls the hosts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { brokenHostLine, installExtension, startCodeServer } from './code-server.mjs';
import { hostInfo } from './hosts.mjs';
import { runBounded, stopAll } from './procs.mjs';

const ID = 'turso-smoke.host-smoke';

/** A zip of `files` ({name: content}), stored (no compression): all a VSIX needs here. */
function zip(files) {
  const local = [];
  const central = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const fname = Buffer.from(name);
    const crc = zlib.crc32(data);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0); head.writeUInt16LE(20, 4); head.writeUInt32LE(crc, 14);
    head.writeUInt32LE(data.length, 18); head.writeUInt32LE(data.length, 22); head.writeUInt16LE(fname.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0); dir.writeUInt16LE(20, 4); dir.writeUInt16LE(20, 6); dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(data.length, 20); dir.writeUInt32LE(data.length, 24); dir.writeUInt16LE(fname.length, 28);
    dir.writeUInt32LE(offset, 42);
    local.push(head, fname, data);
    central.push(dir, fname);
    offset += head.length + fname.length + data.length;
  }
  const size = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(central.length / 2, 8); end.writeUInt16LE(central.length / 2, 10);
  end.writeUInt32LE(size, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, ...central, end]);
}

function smokeVsix(dir) {
  const manifest = {
    name: 'host-smoke', publisher: 'turso-smoke', version: '0.0.1', engines: { vscode: '*' },
    contributes: { commands: [{ command: 'tursoSmoke.hello', title: 'Host smoke check' }] },
  };
  const file = path.join(dir, 'host-smoke.vsix');
  fs.writeFileSync(file, zip({
    '[Content_Types].xml': '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension=".json" ContentType="application/json"/><Default Extension=".vsixmanifest" ContentType="text/xml"/></Types>',
    'extension.vsixmanifest': '<?xml version="1.0" encoding="utf-8"?><PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011">' +
      '<Metadata><Identity Language="en-US" Id="host-smoke" Version="0.0.1" Publisher="turso-smoke"/><DisplayName>host-smoke</DisplayName></Metadata>' +
      '<Installation><InstallationTarget Id="Microsoft.VisualStudio.Code"/></Installation><Dependencies/>' +
      '<Assets><Asset Type="Microsoft.VisualStudio.Code.Manifest" Path="extension/package.json" Addressable="true"/></Assets></PackageManifest>',
    'extension/package.json': JSON.stringify(manifest),
  }));
  return file;
}

export async function smoke(name) {
  // the marker is not written yet: the host is checked as it stands on disk
  const info = { ...hostInfo(name), installed: true };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `turso-smoke-${name}-`));
  let cs;
  try {
    const vsix = smokeVsix(root);
    await installExtension(info, { root, vsix, timeoutMs: 120000 });
    const ext = path.join(root, 'ext');
    const list = await runBounded(info.bin, ['--config', '/dev/null', '--user-data-dir', path.join(root, 'data'), '--extensions-dir', ext, '--list-extensions'],
      { env: { ...process.env, HOME: path.join(root, 'home') }, timeoutMs: 60000, quiet: true });
    if (!list.output.split('\n').some((l) => l.trim() === ID)) {
      throw new Error(`--list-extensions did not list ${ID}: ${brokenHostLine(list.output) ?? list.output.trim().split('\n').slice(-3).join(' | ')}`);
    }
    cs = await startCodeServer(info, { root, timeoutMs: 90000 });
    const res = await fetch(`${cs.url}/?folder=${encodeURIComponent(cs.dirs.ws)}`, { signal: AbortSignal.timeout(30000) });
    const html = await res.text();
    if (!res.ok || !/workbench/i.test(html)) throw new Error(`the workbench page answered ${res.status} without the workbench`);
    cs.assertHealthy();
  } finally {
    if (cs) await cs.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  const name = process.argv[2];
  const t0 = Date.now();
  try {
    await smoke(name);
    console.log(`host ${name}: smoke check passed in ${((Date.now() - t0) / 1000).toFixed(1)} s (extension installed and listed, workbench served)`);
  } catch (e) {
    await stopAll();
    console.error(`host ${name}: smoke check FAILED: ${e.message}`);
    process.exit(1);
  }
}
