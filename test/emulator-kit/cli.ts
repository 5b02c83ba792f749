// The process main both emulators share (test/emulator/main.ts, test/github-emulator/main.ts):
// `[--port N] [--host H] [--latency MS] [--info-file path] [--quiet]`, a banner on stdout, what a test in
// another process needs in the info file (mode 0600, written atomically, removed on stop), and a clean
// stop on SIGINT/SIGTERM. Exit 2 on a bad argument, 1 when it cannot listen.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface EmulatorArgs {
  port: number;
  host: string;
  latency: number;
  infoFile?: string;
  quiet: boolean;
}

export interface EmulatorMain<E extends { close(): Promise<void> }> {
  /** `Turso API emulator`: starts the banner and every message. */
  name: string;
  /** `out/test/emulator/main.js`, for the usage line. */
  script: string;
  defaultPort: number;
  start(options: { host: string; port: number; latencyMs: number; log?: (line: string) => void }): Promise<E>;
  /** Lines for stdout once listening (never a token that a leak search must not find). */
  banner(emulator: E): string[];
  /** What the info file holds (pid added). */
  info(emulator: E): Record<string, unknown>;
}

export function usage(script: string, defaultPort: number): string {
  return `usage: node ${script} [--port ${defaultPort}] [--host 127.0.0.1] [--latency 0] [--info-file path] [--quiet]`;
}

/** Reads the arguments; throws an Error saying what is wrong. `--help` prints the usage and exits. */
export function parseArgs(argv: string[], script: string, defaultPort: number): EmulatorArgs {
  const args: EmulatorArgs = { port: defaultPort, host: '127.0.0.1', latency: 0, quiet: false };
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
        process.stdout.write(`${usage(script, defaultPort)}\n`);
        process.exit(0);
      default:
        throw new Error(`unknown argument ${a}`);
    }
  }
  return args;
}

/** Writes the info file atomically (readers never see a partial file), readable by its owner only. */
export function writeInfoFile(file: string, info: object): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Runs an emulator as a process until SIGINT/SIGTERM. */
export async function runEmulatorMain<E extends { close(): Promise<void> }>(spec: EmulatorMain<E>): Promise<void> {
  let args: EmulatorArgs;
  try {
    args = parseArgs(process.argv.slice(2), spec.script, spec.defaultPort);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${usage(spec.script, spec.defaultPort)}\n`);
    process.exit(2);
  }
  let emulator: E;
  try {
    emulator = await spec.start({
      host: args.host, port: args.port, latencyMs: args.latency, log: args.quiet ? undefined : (line) => process.stdout.write(`${line}\n`),
    });
  } catch (e) {
    process.stderr.write(`${spec.name}: could not listen on ${args.host}:${args.port}: ${(e as Error).message}\n`);
    process.exit(1);
  }
  for (const line of spec.banner(emulator)) process.stdout.write(`${line}\n`);
  if (args.infoFile) writeInfoFile(args.infoFile, { ...spec.info(emulator), pid: process.pid });
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(() => {
      if (args.infoFile) fs.rmSync(args.infoFile, { force: true });
      process.stdout.write(`${spec.name} stopped (${signal}).\n`);
      process.exit(0);
    }, (e: unknown) => {
      process.stderr.write(`${spec.name}: error while stopping: ${String(e)}\n`);
      process.exit(1);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
