// CLI: node out/test/emulator/main.js [--port 8787] [--host 127.0.0.1] [--latency 0] [--info-file path] [--quiet]
// Starts the Turso Platform API emulator and prints its URL and the demo sign-in token (a fake,
// emulator-only credential). Stops cleanly on SIGINT/SIGTERM.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, TursoEmulator } from './server';

interface Args {
  port: number;
  host: string;
  latency: number;
  infoFile?: string;
  quiet: boolean;
}

const USAGE = 'usage: node out/test/emulator/main.js [--port 8787] [--host 127.0.0.1] [--latency 0] [--info-file path] [--quiet]';

function parseArgs(argv: string[]): Args {
  const args: Args = { port: 8787, host: '127.0.0.1', latency: 0, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      if (a.startsWith('--') && eq > 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const num = (name: string, v: string, max: number): number => {
      const n = Number(v);
      if (!/^\d+$/.test(v) || n > max) throw new Error(`${name} must be an integer from 0 to ${max}`);
      return n;
    };
    switch (flag) {
      case '--port': args.port = num('--port', value(), 65535); break;
      case '--host': args.host = value(); break;
      case '--latency': args.latency = num('--latency', value(), 600000); break;
      case '--info-file': args.infoFile = path.resolve(value()); break;
      case '--quiet': args.quiet = true; break;
      case '-h':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
      default:
        throw new Error(`unknown argument ${a}`);
    }
  }
  return args;
}

function writeInfoFile(file: string, info: object): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file); // atomic: readers never see a partial file
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  let emulator: TursoEmulator;
  try {
    emulator = await startEmulator({
      host: args.host,
      port: args.port,
      latencyMs: args.latency,
      log: args.quiet ? undefined : (line) => process.stdout.write(`${line}\n`),
    });
  } catch (e) {
    process.stderr.write(`Turso API emulator: could not listen on ${args.host}:${args.port}: ${(e as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(`Turso API emulator: ${emulator.url}\n`);
  process.stdout.write(`Demo sign-in token: ${emulator.demoToken}\n`);
  if (args.infoFile) {
    writeInfoFile(args.infoFile, {
      url: emulator.url,
      demoToken: emulator.demoToken,
      demoApiToken: emulator.demoApiToken,
      aliceToken: emulator.aliceToken,
      aliceApiToken: emulator.aliceApiToken,
      pid: process.pid,
    });
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(() => {
      if (args.infoFile) {
        try {
          fs.unlinkSync(args.infoFile);
        } catch {
          // already gone
        }
      }
      process.stdout.write(`Turso API emulator stopped (${signal}).\n`);
      process.exit(0);
    }, (e: unknown) => {
      process.stderr.write(`Turso API emulator: error while stopping: ${String(e)}\n`);
      process.exit(1);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
