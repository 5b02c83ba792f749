// CLI: node out/test/github-emulator/main.js [--port 0] [--host 127.0.0.1] [--latency 0] [--info-file path] [--quiet]
// Starts the GitHub API emulator for tests in another process (the in-host and e2e runs). Prints its
// URLs; the seeded users' tokens (fake, emulator-only) go to --info-file only (mode 0600), never to
// stdout, so a leak search over the run's output finds none. Stops cleanly on SIGINT/SIGTERM
// (test/emulator-kit/cli.ts).
import { runEmulatorMain } from '../emulator-kit/cli';
import { startGitHubEmulator } from './server';

void runEmulatorMain({
  name: 'GitHub API emulator',
  script: 'out/test/github-emulator/main.js',
  defaultPort: 0,
  start: startGitHubEmulator,
  banner: (emulator) => [`GitHub API emulator: ${emulator.url} (GitHub Enterprise form: ${emulator.enterpriseApiBase})`],
  info: (emulator) => ({
    url: emulator.url, enterpriseApiBase: emulator.enterpriseApiBase, adminToken: emulator.adminToken,
    readerToken: emulator.readerToken, strangerToken: emulator.strangerToken,
  }),
});
