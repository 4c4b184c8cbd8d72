/**
 * docs/errors.md and the code stay in sync (STYLE #7, as fastify's errors test does):
 * - every FirewallError code, every core deny code and every diagnostic code (`'PC_…'` literals in
 *   any package's src) appears in the doc as a `code` in backticks;
 * - every code-looking entry in the first column of the doc's tables exists in the code;
 * - a deny code's status in the doc is the status core renders.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DENY_CODES, FIREWALL_ERROR_CODES } from '../src/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');

interface Row {
  readonly code: string;
  readonly cells: readonly string[];
  readonly line: number;
}

/** First-column backticked codes of every Markdown table row. */
function tableRows(markdown: string): Row[] {
  const rows: Row[] = [];
  markdown.split('\n').forEach((text, index) => {
    if (!text.trimStart().startsWith('|')) return;
    const cells = text.split('|').slice(1, -1).map((c) => c.trim());
    const match = /^`([A-Za-z][A-Za-z0-9_]*)`$/.exec(cells[0] ?? '');
    if (match !== null) rows.push({ code: match[1] as string, cells, line: index + 1 });
  });
  return rows;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) sourceFiles(full, out);
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

const packageSources = readdirSync(join(root, 'packages')).flatMap((pkg) => sourceFiles(join(root, 'packages', pkg, 'src')));
const sourceText = packageSources.map((file) => readFileSync(file, 'utf8')).join('\n');
const diagnosticCodes = new Set([...sourceText.matchAll(/['"`](PC_[A-Z0-9_]+)['"`]/g)].map((m) => m[1] as string));
// Deny codes that guard packages define themselves (`code: 'token_expired'`), besides core's table.
const packageDenyCodes = new Set([...sourceText.matchAll(/\bcode:\s*'([a-z][a-z0-9_]*)'/g)].map((m) => m[1] as string));
// Deny-code tables of guard packages (`token_invalid: { status: 401, title: ... }`), with their status.
const packageDenyStatus = new Map([...sourceText.matchAll(/^\s+([a-z][a-z0-9_]*): \{ status: (\d{3}), title: /gm)].map((m) => [m[1] as string, m[2] as string]));
for (const code of packageDenyStatus.keys()) packageDenyCodes.add(code);

const rows = tableRows(doc);
const documented = new Set(rows.map((r) => r.code));

describe('docs/errors.md', () => {
  it('has tables to check', () => {
    assert.ok(rows.length >= FIREWALL_ERROR_CODES.length + Object.keys(DENY_CODES).length, `found ${rows.length} rows`);
    assert.ok(diagnosticCodes.size >= 1, 'diagnostic codes were found in the sources');
  });

  it('documents every FirewallError code', () => {
    const missing = FIREWALL_ERROR_CODES.filter((code) => !documented.has(code));
    assert.deepEqual(missing, [], `add to docs/errors.md: ${missing.join(', ')}`);
  });

  it('documents every core deny code', () => {
    const missing = Object.keys(DENY_CODES).filter((code) => !documented.has(code));
    assert.deepEqual(missing, [], `add to docs/errors.md: ${missing.join(', ')}`);
  });

  it('documents every diagnostic code used in a package', () => {
    const missing = [...diagnosticCodes].filter((code) => !documented.has(code));
    assert.deepEqual(missing, [], `add to docs/errors.md: ${missing.join(', ')}`);
  });

  it('documents nothing that the code does not have', () => {
    const known = new Set<string>([...FIREWALL_ERROR_CODES, ...Object.keys(DENY_CODES), ...diagnosticCodes, ...packageDenyCodes]);
    const unknown = rows.filter((row) => !known.has(row.code)).map((row) => `${row.code} (line ${row.line})`);
    assert.deepEqual(unknown, [], 'documented codes that no package defines');
  });

  it('documents each code once', () => {
    const seen = new Set<string>();
    const repeated = rows.filter((row) => (seen.has(row.code) ? true : (seen.add(row.code), false))).map((row) => row.code);
    assert.deepEqual(repeated, []);
  });

  it('states the status core renders for each core deny code', () => {
    for (const row of rows) {
      const known = (DENY_CODES as Record<string, { status: number }>)[row.code];
      if (known === undefined) continue;
      assert.equal(row.cells[1], String(known.status), `${row.code} (line ${row.line})`);
    }
  });

  it('documents every deny code of a guard package, with its status', () => {
    assert.ok(packageDenyStatus.size >= 1, 'deny-code tables were found in the package sources');
    for (const [code, status] of packageDenyStatus) {
      const row = rows.find((r) => r.code === code);
      assert.ok(row !== undefined, `add to docs/errors.md: ${code}`);
      assert.equal(row.cells[1], status, `${code} (line ${row.line})`);
    }
  });
});
