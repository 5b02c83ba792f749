// CLI: node out/test/emulator/main.js [--port 8787] [--host 127.0.0.1] [--latency 0] [--info-file path] [--quiet]
// Starts the Turso Platform API emulator and prints its URL and the demo sign-in token (a fake,
// emulator-only credential). Stops cleanly on SIGINT/SIGTERM (test/emulator-kit/cli.ts).
import { runEmulatorMain } from '../emulator-kit/cli';
import { startEmulator } from './server';

void runEmulatorMain({
  name: 'Turso API emulator',
  script: 'out/test/emulator/main.js',
  defaultPort: 8787,
  start: startEmulator,
  banner: (emulator) => [`Turso API emulator: ${emulator.url}`, `Demo sign-in token: ${emulator.demoToken}`],
  info: (emulator) => ({
    url: emulator.url,
    demoToken: emulator.demoToken,
    demoApiToken: emulator.demoApiToken,
    aliceToken: emulator.aliceToken,
    aliceApiToken: emulator.aliceApiToken,
  }),
});
