// CLI: node out/test/github-emulator/main.js [--port 0] [--host 127.0.0.1] [--latency 0] [--info-file path] [--quiet]
// Starts the GitHub API emulator for tests in another process (the in-host and e2e runs). Prints its
// URLs; the seeded users' tokens (fake, emulator-only) go to --info-file only (mode 0600), never to
// stdout, so a leak search over the run's output finds none. Stops cleanly on SIGINT/SIGTERM.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startGitHubEmulator, type GitHubEmulator } from './server';

const USAGE = 'usage: node out/test/github-emulator/main.js [--port 0] [--host 127.0.0.1] [--latency 0] [--info-file path] [--quiet]';

interface Args {
  port: number;
  host: string;
  latency: number;
  infoFile?: string;
  quiet: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { port: 0, host: '127.0.0.1', latency: 0, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const int = (v: string, max: number): number => {
      if (!/^\d+$/.test(v) || Number(v) > max) throw new Error(`${flag} must be an integer from 0 to ${max}`);
      return Number(v);
    };
    switch (flag) {
      case '--port': args.port = int(value(), 65535); break;
      case '--host': args.host = value(); break;
      case '--latency': args.latency = int(value(), 600000); break;
      case '--info-file': args.infoFile = path.resolve(value()); break;
      case '--quiet': args.quiet = true; break;
      case '-h':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
      default:
        throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return args;
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  let emulator: GitHubEmulator;
  try {
    emulator = await startGitHubEmulator({
      host: args.host, port: args.port, latencyMs: args.latency, log: args.quiet ? undefined : (line) => process.stdout.write(`${line}\n`),
    });
  } catch (e) {
    process.stderr.write(`GitHub API emulator: could not listen on ${args.host}:${args.port}: ${(e as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(`GitHub API emulator: ${emulator.url} (GitHub Enterprise form: ${emulator.enterpriseApiBase})\n`);
  if (args.infoFile) {
    fs.mkdirSync(path.dirname(args.infoFile), { recursive: true });
    const tmp = `${args.infoFile}.${process.pid}.tmp`;
    const info = {
      url: emulator.url, enterpriseApiBase: emulator.enterpriseApiBase, adminToken: emulator.adminToken,
      readerToken: emulator.readerToken, strangerToken: emulator.strangerToken, pid: process.pid,
    };
    fs.writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, args.infoFile); // atomic: readers never see a partial file
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    void emulator.close().then(() => {
      if (args.infoFile) fs.rmSync(args.infoFile, { force: true });
      process.stdout.write(`GitHub API emulator stopped (${signal}).\n`);
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
