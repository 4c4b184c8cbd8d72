#!/usr/bin/env node
// Runs every test file with node's test runner (TypeScript through tsx) and ends with the plain
// summary line `N passed, N failed`. Test files: packages/*/test/**/*.test.ts and test/**/*.test.ts.
// Arguments narrow the run to files whose path contains one of them: `npm test -- conformance`.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function collect(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) collect(full, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

const files = [];
for (const pkg of readdirSync(join(root, 'packages'))) collect(join(root, 'packages', pkg, 'test'), files);
collect(join(root, 'test'), files);
const filters = process.argv.slice(2);
const selected = files.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (selected.length === 0) {
  console.error('run-tests: no test files found');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...selected], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, NODE_ENV: 'test' },
});
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4000);
});
child.on('close', (code) => {
  const pass = Number(/ℹ pass (\d+)/.exec(tail)?.[1] ?? 0);
  const fail = Number(/ℹ fail (\d+)/.exec(tail)?.[1] ?? (code === 0 ? 0 : 1));
  const skipped = Number(/ℹ skipped (\d+)/.exec(tail)?.[1] ?? 0);
  const failed = code !== 0 && fail === 0 ? 1 : fail;
  console.log(`\n${pass} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
