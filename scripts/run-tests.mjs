#!/usr/bin/env node
// Runs every test file with node's test runner (TypeScript through tsx) and ends with the plain
// summary line `N passed, N failed`. Test files: packages/*/test/**/*.test.ts and test/**/*.test.ts.
// Arguments narrow the run to files whose path contains one of them: `npm test -- conformance`.
import { spawn, spawnSync } from 'node:child_process';
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

// tsx strips types without checking them: type-check every test file first (tsconfig.tests.json),
// so a test that no longer matches the packages' types fails here rather than passing by accident.
if (filters.length === 0 || process.env.CI === 'true') {
  const check = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.tests.json')], { cwd: root, stdio: 'inherit' });
  if (check.status !== 0) {
    console.error('run-tests: the test files do not type-check (tsc -p tsconfig.tests.json)');
    console.log('\n0 passed, 1 failed');
    process.exit(1);
  }
}

const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...selected], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, NODE_ENV: 'test' },
});
// The spec reporter prints its totals (ℹ tests/pass/fail/skipped) and then, when something failed,
// the failures again; so the totals are read line by line over the whole output, last value wins.
const totals = { pass: undefined, fail: undefined, skipped: 0 };
let pending = '';
function scan(text) {
  pending += text;
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    const match = /^ℹ (pass|fail|skipped) (\d+)\s*$/.exec(line);
    if (match) totals[match[1]] = Number(match[2]);
  }
}
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  scan(chunk.toString());
});
child.on('close', (code) => {
  scan('\n');
  const pass = totals.pass ?? 0;
  const fail = totals.fail ?? (code === 0 ? 0 : 1);
  // A run that exits non-zero without a failed test (a crash, a file that failed to load) still fails.
  const failed = code !== 0 && fail === 0 ? 1 : fail;
  console.log(`\n${pass} passed, ${failed} failed${totals.skipped > 0 ? `, ${totals.skipped} skipped` : ''}`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
