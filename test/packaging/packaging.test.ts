/**
 * Packaging (STYLE #19, as express-rate-limit's external imports tests do): every package with a
 * build is packed with `pnpm pack` (which rewrites `workspace:` ranges), then installed from the
 * tarballs into throwaway consumer projects, offline:
 *  - the tarball ships dist/ with types, and no src/, test/, source maps or tsconfig;
 *  - the packed package.json has an exports map with `types` and `default`, and no `workspace:` range;
 *  - an ESM consumer (`import`) and a CommonJS consumer (`require`, Node >= 20.19 loads ESM) create
 *    a firewall and decide a request; deep imports are refused by the exports map;
 *  - each adapter loads, or fails only for want of its framework (a peer the consumer did not install);
 *  - a TypeScript consumer (module node16, an .mts file) type-checks against the shipped types.
 * Temporary directories are removed at the end.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PNPM = 'pnpm@9.15.9';
const STEP_TIMEOUT_MS = 120_000;

interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  type?: string;
  main?: string;
  types?: string;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

interface Packed {
  readonly dir: string;
  readonly name: string;
  readonly tarball: string;
  readonly files: readonly string[];
  readonly manifest: PackageJson;
  readonly source: PackageJson;
}

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: STEP_TIMEOUT_MS,
    env: { ...process.env, npm_config_update_notifier: 'false', NODE_OPTIONS: '' },
  });
  return result;
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  assert.equal(result.error, undefined, `${what}: ${String(result.error)}`);
  assert.equal(result.status, 0, `${what} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Workspace packages that have a build. */
function builtPackages(): { dir: string; source: PackageJson }[] {
  return readdirSync(join(root, 'packages'))
    .map((dir) => join(root, 'packages', dir))
    .filter((dir) => existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'dist', 'index.js')))
    .map((dir) => ({ dir, source: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson }))
    .filter(({ source }) => source.private !== true);
}

/** The store copy of a dependency the tarballs need (so the install never goes to the registry). */
function localCopy(name: string, range: string): string | undefined {
  const major = /(\d+)/.exec(range)?.[1];
  const prefix = `${name.replace('/', '+')}@${major ?? ''}`;
  const store = join(root, 'node_modules', '.pnpm');
  const entry = readdirSync(store).find((d) => d.startsWith(prefix) && /^\d/.test(d.slice(name.length + 1)));
  return entry === undefined ? undefined : join(store, entry, 'node_modules', name);
}

describe('packaging', () => {
  let work: string;
  const packed = new Map<string, Packed>();

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'portcullis-packaging-'));
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    for (const { dir, source } of builtPackages()) {
      const out = ok(run('npx', ['--yes', PNPM, 'pack', '--pack-destination', tarballs], dir), `pnpm pack ${source.name}`);
      const tarball = out.trim().split('\n').map((l) => l.trim()).find((l) => l.endsWith('.tgz'));
      assert.ok(tarball !== undefined && existsSync(tarball), `pnpm pack printed the tarball path for ${source.name}:\n${out}`);
      const files = ok(run('tar', ['-tzf', tarball], work), `tar -t ${tarball}`).trim().split('\n');
      const manifest = JSON.parse(ok(run('tar', ['-xzOf', tarball, 'package/package.json'], work), 'read packed package.json')) as PackageJson;
      packed.set(source.name, { dir, name: source.name, tarball, files, manifest, source });
    }
  });

  after(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('packs core at least, and every built package', () => {
    assert.ok(packed.has('@portcullis/core'), 'core has a build (run `npm run build`)');
    for (const { source } of builtPackages()) assert.ok(packed.has(source.name), source.name);
  });

  it('ships dist with types, and no sources, tests, maps or build config', () => {
    for (const pkg of packed.values()) {
      const files = pkg.files;
      assert.ok(files.includes('package/package.json'), pkg.name);
      assert.ok(files.includes('package/dist/index.js'), `${pkg.name}: dist/index.js`);
      const offending = files.filter((f) => /^package\/(src|test|tests|__tests__)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts') && !f.endsWith('.d.ts') || /tsconfig|tsbuildinfo|\.tgz$/.test(f));
      assert.deepEqual(offending, [], `${pkg.name} ships files it should not`);
    }
  });

  it('has an exports map with types and default, pointing at files in the tarball', () => {
    for (const pkg of packed.values()) {
      const manifest = pkg.manifest;
      assert.equal(manifest.type, 'module', pkg.name);
      const dot = manifest.exports?.['.'] as Record<string, unknown> | undefined;
      assert.ok(dot !== undefined && typeof dot === 'object', `${pkg.name}: exports["."] is a conditions object`);
      const keys = Object.keys(dot);
      assert.equal(keys[0], 'types', `${pkg.name}: "types" comes first (TypeScript reads conditions in order)`);
      assert.equal(keys[keys.length - 1], 'default', `${pkg.name}: "default" comes last`);
      for (const key of ['types', 'default']) {
        const target: unknown = dot[key];
        assert.equal(typeof target, 'string', `${pkg.name}: exports["."].${key}`);
        assert.ok(pkg.files.includes(`package/${(target as string).replace(/^\.\//, '')}`), `${pkg.name}: ${key} -> ${String(target)} is in the tarball`);
      }
      assert.ok(manifest.types === undefined || pkg.files.includes(`package/${manifest.types.replace(/^\.\//, '')}`), `${pkg.name}: types field`);
      for (const key of Object.keys(manifest.exports ?? {})) assert.ok(!key.includes('*'), `${pkg.name}: no wildcard subpath ${key}`);
    }
  });

  it('rewrites workspace ranges to real versions', () => {
    const core = packed.get('@portcullis/core');
    assert.ok(core !== undefined);
    for (const pkg of packed.values()) {
      for (const [name, range] of Object.entries({ ...pkg.manifest.dependencies, ...pkg.manifest.peerDependencies })) {
        assert.ok(!range.startsWith('workspace:'), `${pkg.name}: ${name}@${range}`);
      }
      const coreRange = pkg.manifest.dependencies?.['@portcullis/core'];
      if (pkg.name !== '@portcullis/core') {
        assert.ok(coreRange !== undefined, `${pkg.name} depends on core`);
        assert.ok(coreRange.includes(core.manifest.version), `${pkg.name}: core range ${coreRange} covers ${core.manifest.version}`);
      }
    }
  });

  describe('consumers', () => {
    let esm: string;
    let cjs: string;
    let ts: string;

    /** A consumer project with every tarball as a file: dependency, installed offline. */
    function consumer(name: string, type: 'module' | 'commonjs'): string {
      const dir = join(work, name);
      mkdirSync(dir);
      const dependencies: Record<string, string> = {};
      const overrides: Record<string, string> = {};
      for (const pkg of packed.values()) dependencies[pkg.name] = `file:${pkg.tarball}`;
      // Adapters depend on core by version; the override points that at the core tarball.
      overrides['@portcullis/core'] = '$@portcullis/core';
      // Third-party runtime dependencies of the tarballs come from the workspace store, not the registry.
      for (const pkg of packed.values()) {
        for (const [dep, range] of Object.entries(pkg.manifest.dependencies ?? {})) {
          if (dep.startsWith('@portcullis/') || dependencies[dep] !== undefined) continue;
          const copy = localCopy(dep, range);
          assert.ok(copy !== undefined, `a local copy of ${dep}@${range} for ${pkg.name}`);
          dependencies[dep] = `file:${copy}`;
          overrides[dep] = `$${dep}`;
        }
      }
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '0.0.0', private: true, type, dependencies, overrides }, null, 2));
      ok(
        run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--legacy-peer-deps', '--no-package-lock', '--loglevel=error'], dir),
        `npm install in ${name}`,
      );
      return dir;
    }

    before(() => {
      esm = consumer('consumer-esm', 'module');
      cjs = consumer('consumer-cjs', 'commonjs');
      ts = consumer('consumer-ts', 'module');
    });

    const DECIDE = `
      const firewall = createFirewall({ ipFilter: { deny: ['203.0.113.0/24'] }, routes: [{ path: '/users/:id', methods: ['GET'] }] });
      await firewall.ready();
      const denied = await firewall.decide({ method: 'GET', target: '/users/1', headers: [], remoteAddress: '203.0.113.9' });
      const allowed = await firewall.decide({ method: 'GET', target: '/users/1', headers: ['Host', 'x'], remoteAddress: '198.51.100.1' });
      console.log(JSON.stringify({ denied: [denied.outcome, denied.status, denied.code], allowed: [allowed.outcome, allowed.route && allowed.route.params.id] }));
    `;
    const EXPECTED = { denied: ['deny', 403, 'ip_denied'], allowed: ['allow', '1'] };

    it('installs the core tarball once, shared by the adapters (no second copy from a registry)', () => {
      const nested = readdirSync(join(esm, 'node_modules', '@portcullis')).flatMap((pkg) => {
        const inner = join(esm, 'node_modules', '@portcullis', pkg, 'node_modules', '@portcullis', 'core');
        return existsSync(inner) ? [pkg] : [];
      });
      assert.deepEqual(nested, []);
      const installed = JSON.parse(readFileSync(join(esm, 'node_modules', '@portcullis', 'core', 'package.json'), 'utf8')) as PackageJson;
      assert.equal(installed.version, packed.get('@portcullis/core')?.manifest.version);
    });

    it('ESM consumer: import { createFirewall } from "@portcullis/core"', () => {
      writeFileSync(join(esm, 'index.js'), `import { createFirewall } from '@portcullis/core';\n${DECIDE}`);
      const out = ok(run(process.execPath, ['index.js'], esm), 'ESM consumer');
      assert.deepEqual(JSON.parse(out.trim()), EXPECTED);
    });

    it('CJS consumer: const { createFirewall } = require("@portcullis/core")', () => {
      writeFileSync(join(cjs, 'index.js'), `const { createFirewall } = require('@portcullis/core');\n(async () => {\n${DECIDE}\n})().catch((e) => { console.error(e); process.exit(1); });`);
      const out = ok(run(process.execPath, ['index.js'], cjs), 'CJS consumer');
      assert.deepEqual(JSON.parse(out.trim()), EXPECTED);
      const version = ok(run(process.execPath, ['-p', "require('@portcullis/core/package.json').version"], cjs), 'package.json subpath');
      assert.equal(version.trim(), packed.get('@portcullis/core')?.manifest.version);
    });

    it('refuses deep imports through the exports map', () => {
      const esmDeep = run(process.execPath, ['--input-type=module', '-e', "await import('@portcullis/core/dist/index.js')"], esm);
      assert.notEqual(esmDeep.status, 0);
      assert.match(esmDeep.stderr, /ERR_PACKAGE_PATH_NOT_EXPORTED/);
      const cjsDeep = run(process.execPath, ['-e', "require('@portcullis/core/dist/engine/firewall.js')"], cjs);
      assert.notEqual(cjsDeep.status, 0);
      assert.match(cjsDeep.stderr, /ERR_PACKAGE_PATH_NOT_EXPORTED/);
    });

    it('each adapter loads, or fails only for want of its framework peer', () => {
      for (const pkg of packed.values()) {
        if (pkg.name === '@portcullis/core') continue;
        const peers = Object.keys(pkg.manifest.peerDependencies ?? {});
        const script = `try { const m = await import('${pkg.name}'); console.log(JSON.stringify({ ok: true, exports: Object.keys(m).length })); } catch (e) { console.log(JSON.stringify({ ok: false, code: e.code, message: String(e.message) })); }`;
        const out = JSON.parse(ok(run(process.execPath, ['--input-type=module', '-e', script], esm), `import ${pkg.name}`).trim()) as { ok: boolean; exports?: number; code?: string; message?: string };
        if (out.ok) {
          assert.ok((out.exports ?? 0) > 0, `${pkg.name} exports something`);
        } else {
          assert.equal(out.code, 'ERR_MODULE_NOT_FOUND', `${pkg.name}: ${out.message}`);
          assert.ok(peers.some((peer) => out.message?.includes(`'${peer}'`) || out.message?.includes(`'${peer}/`)), `${pkg.name} failed for something other than a peer (${peers.join(', ')}): ${out.message}`);
        }
      }
    });

    it('TypeScript consumer (module node16, .mts) type-checks against the shipped types', () => {
      writeFileSync(
        join(ts, 'index.mts'),
        `import { createFirewall, defineGuard, FirewallError, type Decision, type Guard, type Policy, type RequestInit } from '@portcullis/core';

const policy: Policy = { mode: 'monitor', routes: [{ path: '/a', methods: ['GET'] }], limits: { bodyBytes: 1024 } };
const guard = defineGuard('mine', (context): Guard => ({
  id: 'mine', kind: 'mine', phase: 'request', mode: undefined, onError: 'deny', timeoutMs: undefined,
  evaluate: (request) => (request.headers.has('x-deny') ? { outcome: 'deny', status: 403, code: 'access_denied', title: context.path } : { outcome: 'allow' }),
}));
const firewall = createFirewall({ ...policy, guards: [guard] });
const init: RequestInit = { method: 'GET', target: '/a', headers: [], remoteAddress: '127.0.0.1' };
const decision: Decision = await firewall.decide(init);
const status: number | undefined = decision.status;
export const summary = { outcome: decision.outcome, status, isError: new FirewallError('ERR_POLICY_INVALID', 'x') instanceof Error };
// @ts-expect-error: an unknown mode is a type error for TypeScript users.
createFirewall({ mode: 'block' });
`,
      );
      writeFileSync(
        join(ts, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'ES2022', lib: ['ES2022', 'DOM'], strict: true, noEmit: true, skipLibCheck: false, types: [] },
          files: ['index.mts'],
        }),
      );
      ok(run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], ts), 'tsc --noEmit (DOM lib)');
      // A Node project without the DOM lib, on @types/node (the workspace's copy): core's types must
      // not need DOM-only declarations.
      writeFileSync(
        join(ts, 'tsconfig.node.json'),
        JSON.stringify({
          compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'ES2022', lib: ['ES2022'], strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(root, 'node_modules', '@types')] },
          files: ['index.mts'],
        }),
      );
      ok(run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.node.json'], ts), 'tsc --noEmit (@types/node, no DOM lib)');
    });
  });
});
