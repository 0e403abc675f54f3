#!/usr/bin/env node
// The `idp` command. The product is TypeScript run by Node's own type stripping; Node versions
// that have it behind a flag are restarted with the flag.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../provider/cli/main.ts', import.meta.url));

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `idp needs Node.js 22.12 or later (this is ${process.version}); npm run idp -- … uses the pinned one.`,
  );
  process.exit(1);
}

if (process.features.typescript) {
  await import(main);
} else {
  const args = ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', main];
  const result = spawnSync(process.execPath, [...args, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
}
