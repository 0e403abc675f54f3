#!/usr/bin/env node
// The `idp` command. The product is TypeScript run by Node's own type stripping; Node versions
// that have it behind a flag are restarted with the flag.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../provider/cli/main.ts', import.meta.url));

if (process.features.typescript) {
  await import(main);
} else {
  const args = ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', main];
  const result = spawnSync(process.execPath, [...args, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
}
