#!/usr/bin/env node
// Makes a fresh clone runnable with nothing but Node >= 20.19: installs the workspace with a
// pinned pnpm (fetched by npx from the npm registry) and builds every package.
// Used by `npm run demo`, `npm test` and `npm run bench`, so each is self-sufficient.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM = 'pnpm@9.15.9';
const buildOnly = process.argv.includes('--build-only');

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Portcullis needs Node.js >= 20.19 (this is ${process.versions.node}).`);
  process.exit(1);
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    console.error(`bootstrap: "${command} ${args.join(' ')}" failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

const marker = join(root, 'node_modules', '.modules.yaml');
const lock = join(root, 'pnpm-lock.yaml');
const installed = existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs);
if (!buildOnly && (!installed || process.env.CI === 'true')) {
  const frozen = process.env.CI === 'true' ? ['--frozen-lockfile'] : [];
  run('npx', ['--yes', PNPM, 'install', ...frozen, '--reporter=append-only']);
}
run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b']);
