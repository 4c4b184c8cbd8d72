/**
 * The dependency direction of DESIGN.md, enforced from package.json files and the imports of every
 * package's src (parsed with the TypeScript compiler, so comments and strings cannot fool it):
 *
 *  - core imports nothing of ours, no framework, no `node:` module or Node built-in, and uses no
 *    Node-only global: it stays Web-standard (Node, Bun, Deno, Workers);
 *  - adapters depend on core only (+ their framework as a peer, + fastify-plugin for Fastify);
 *  - otel depends on core + @opentelemetry/api (peer) only;
 *  - other packages of ours (guard packages, stores) depend on core, never on an adapter;
 *  - frameworks and shared singletons are peers, never dependencies;
 *  - every bare import is declared; no package deep-imports another (`@portcullis/x/...`, `/src/`,
 *    `/dist/`, or a relative path out of its own directory);
 *  - no `export *` in any src file (public APIs are explicit lists);
 *  - the Hono adapter imports no `node:` module (it runs on Web-standard runtimes).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface PackageJson {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

interface ImportRef {
  readonly file: string;
  readonly specifier: string;
  readonly typeOnly: boolean;
}

interface WorkspacePackage {
  readonly dir: string;
  readonly folder: string;
  readonly manifest: PackageJson;
  readonly files: readonly string[];
  readonly imports: readonly ImportRef[];
  readonly exportStars: readonly string[];
}

const ADAPTERS: Readonly<Record<string, { framework: string; extraDependencies: readonly string[] }>> = {
  '@portcullis/express': { framework: 'express', extraDependencies: [] },
  '@portcullis/fastify': { framework: 'fastify', extraDependencies: ['fastify-plugin'] },
  '@portcullis/koa': { framework: 'koa', extraDependencies: [] },
  '@portcullis/hono': { framework: 'hono', extraDependencies: [] },
};
/** Packages a user already has: always peers (STYLE #12), never bundled as dependencies. */
const PEER_ONLY = ['express', 'fastify', 'koa', 'hono', 'graphql', '@opentelemetry/api', 'redis', 'ioredis'];
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.replace(/^node:/, '')]));
/** Node-only globals core must not use (Web-standard runtimes do not have them). */
const NODE_GLOBALS = new Set(['Buffer', 'process', 'require', 'module', '__dirname', '__filename', 'global', 'setImmediate', 'clearImmediate']);

function sourceFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) sourceFiles(full, out);
    else if (/\.(m|c)?tsx?$/.test(name)) out.push(full);
  }
  return out;
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** Every module specifier a file refers to: imports, re-exports, dynamic import(), require(), import types. */
function importsOf(file: string, source: ts.SourceFile): ImportRef[] {
  const refs: ImportRef[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly || (clause.name === undefined && clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      refs.push({ file, specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      refs.push({ file, specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      refs.push({ file, specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0] as ts.Expression)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) {
        refs.push({ file, specifier: (node.arguments[0] as ts.StringLiteral).text, typeOnly: false });
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      refs.push({ file, specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return refs;
}

function exportStarsOf(source: ts.SourceFile): number {
  return source.statements.filter((s) => ts.isExportDeclaration(s) && s.exportClause === undefined && s.moduleSpecifier !== undefined).length;
}

/** Identifiers used as values that name a Node-only global (not property names or declarations). */
function nodeGlobalsOf(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && NODE_GLOBALS.has(node.text)) {
      const parent = node.parent;
      const isPropertyName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent) || ts.isMethodSignature(parent)) && parent.name === node) ||
        (ts.isParameter(parent) && parent.name === node) ||
        (ts.isVariableDeclaration(parent) && parent.name === node) ||
        ts.isQualifiedName(parent);
      if (!isPropertyName) found.push(`${node.text} (line ${source.getLineAndCharacterOfPosition(node.getStart()).line + 1})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(packageName(specifier));
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith('.') || specifier.startsWith('/');
}

const packages: WorkspacePackage[] = readdirSync(join(root, 'packages'))
  .filter((folder) => existsSync(join(root, 'packages', folder, 'package.json')))
  .map((folder) => {
    const dir = join(root, 'packages', folder);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
    const files = sourceFiles(join(dir, 'src'));
    const imports: ImportRef[] = [];
    const exportStars: string[] = [];
    for (const file of files) {
      const source = parse(file);
      imports.push(...importsOf(file, source));
      if (exportStarsOf(source) > 0) exportStars.push(relative(root, file));
    }
    return { dir, folder, manifest, files, imports, exportStars };
  });

function byName(name: string): WorkspacePackage | undefined {
  return packages.find((p) => p.manifest.name === name);
}

function bareImports(pkg: WorkspacePackage): ImportRef[] {
  return pkg.imports.filter((ref) => !isRelative(ref.specifier) && !isBuiltin(ref.specifier));
}

function describeRefs(refs: readonly ImportRef[]): string[] {
  return refs.map((ref) => `${relative(root, ref.file)}: ${ref.specifier}`);
}

describe('architecture: dependency direction', () => {
  it('finds the packages and their sources', () => {
    const core = byName('@portcullis/core');
    assert.ok(core !== undefined, 'packages/core');
    assert.ok(core.files.length > 10, 'core sources were found');
    assert.ok(core.imports.length > 10, 'core imports were found (the scanner works)');
  });

  describe('core', () => {
    const core = byName('@portcullis/core') as WorkspacePackage;

    it('declares no dependencies and no peers', () => {
      assert.deepEqual(Object.keys(core.manifest.dependencies ?? {}), []);
      assert.deepEqual(Object.keys(core.manifest.peerDependencies ?? {}), []);
    });

    it('imports only its own files: nothing of ours, no framework, no package at all', () => {
      const outside = core.imports.filter((ref) => !isRelative(ref.specifier));
      assert.deepEqual(describeRefs(outside), []);
    });

    it('imports no node: module or Node built-in', () => {
      assert.deepEqual(describeRefs(core.imports.filter((ref) => isBuiltin(ref.specifier))), []);
    });

    it('uses no Node-only global (Buffer, process, require, setImmediate...)', () => {
      const uses = core.files.flatMap((file) => nodeGlobalsOf(parse(file)).map((use) => `${relative(root, file)}: ${use}`));
      assert.deepEqual(uses, []);
    });

    it('compiles without Node types', () => {
      const tsconfig = JSON.parse(readFileSync(join(core.dir, 'tsconfig.json'), 'utf8')) as { compilerOptions?: { types?: string[] } };
      assert.deepEqual(tsconfig.compilerOptions?.types, [], 'packages/core/tsconfig.json sets "types": [] so a Node API is a compile error');
    });
  });

  describe('adapters', () => {
    for (const [name, { framework, extraDependencies }] of Object.entries(ADAPTERS)) {
      it(`${name} depends on core only, with ${framework} as a peer`, (t) => {
        const pkg = byName(name);
        if (pkg === undefined) {
          // Reason: the package does not exist in this checkout yet.
          t.skip(`${name} is not in packages/`);
          return;
        }
        const dependencies = Object.keys(pkg.manifest.dependencies ?? {}).sort();
        assert.deepEqual(dependencies, ['@portcullis/core', ...extraDependencies].sort());
        assert.deepEqual(Object.keys(pkg.manifest.peerDependencies ?? {}), [framework]);
        const allowed = new Set(['@portcullis/core', framework, ...extraDependencies]);
        const strays = bareImports(pkg).filter((ref) => {
          const target = packageName(ref.specifier);
          if (allowed.has(target)) return false;
          // Type-only imports from the framework's own type packages (e.g. express-serve-static-core,
          // which @types/express re-exports) are erased at build time.
          return !(ref.typeOnly && (pkg.manifest.devDependencies?.[`@types/${target}`] !== undefined || pkg.manifest.devDependencies?.[target] !== undefined));
        });
        assert.deepEqual(describeRefs(strays), []);
      });
    }

    it('the Hono adapter imports no node: module or Node built-in', (t) => {
      const hono = byName('@portcullis/hono');
      if (hono === undefined) {
        t.skip('@portcullis/hono is not in packages/');
        return;
      }
      assert.deepEqual(describeRefs(hono.imports.filter((ref) => isBuiltin(ref.specifier))), []);
    });
  });

  it('otel depends on core and @opentelemetry/api (peer) only', (t) => {
    const otel = byName('@portcullis/otel');
    if (otel === undefined) {
      t.skip('@portcullis/otel is not in packages/');
      return;
    }
    assert.deepEqual(Object.keys(otel.manifest.dependencies ?? {}), ['@portcullis/core']);
    assert.deepEqual(Object.keys(otel.manifest.peerDependencies ?? {}), ['@opentelemetry/api']);
    const strays = bareImports(otel).filter((ref) => !['@portcullis/core', '@opentelemetry/api'].includes(packageName(ref.specifier)));
    assert.deepEqual(describeRefs(strays), []);
  });

  it('no package depends on an adapter, and packages of ours other than the CLI depend on core only', () => {
    const problems: string[] = [];
    for (const pkg of packages) {
      const ours = Object.keys({ ...pkg.manifest.dependencies, ...pkg.manifest.peerDependencies }).filter((d) => d.startsWith('@portcullis/'));
      for (const dep of ours) {
        if (ADAPTERS[dep] !== undefined) problems.push(`${pkg.manifest.name} depends on the adapter ${dep}`);
        else if (dep !== '@portcullis/core' && pkg.manifest.name !== '@portcullis/cli') problems.push(`${pkg.manifest.name} depends on ${dep}`);
      }
      if (pkg.manifest.name === '@portcullis/core' && ours.length > 0) problems.push(`core depends on ${ours.join(', ')}`);
    }
    assert.deepEqual(problems, []);
  });

  it('workspace dependencies use the workspace: protocol (rewritten to versions by pnpm pack)', () => {
    const problems = packages.flatMap((pkg) =>
      Object.entries({ ...pkg.manifest.dependencies, ...pkg.manifest.peerDependencies })
        .filter(([dep, range]) => dep.startsWith('@portcullis/') && !range.startsWith('workspace:'))
        .map(([dep, range]) => `${pkg.manifest.name}: ${dep}@${range}`),
    );
    assert.deepEqual(problems, []);
  });

  it('frameworks and shared singletons are peers, never dependencies', () => {
    const problems = packages.flatMap((pkg) => Object.keys(pkg.manifest.dependencies ?? {}).filter((dep) => PEER_ONLY.includes(dep)).map((dep) => `${pkg.manifest.name} depends on ${dep}`));
    assert.deepEqual(problems, []);
  });

  it('every bare import is a declared dependency or peer (type-only imports may use @types dev dependencies)', () => {
    const problems: string[] = [];
    for (const pkg of packages) {
      const declared = new Set(Object.keys({ ...pkg.manifest.dependencies, ...pkg.manifest.peerDependencies }));
      const dev = pkg.manifest.devDependencies ?? {};
      for (const ref of bareImports(pkg)) {
        const target = packageName(ref.specifier);
        if (target === pkg.manifest.name || declared.has(target)) continue;
        if (ref.typeOnly && (dev[`@types/${target}`] !== undefined || dev[target] !== undefined)) continue;
        problems.push(`${relative(root, ref.file)}: ${ref.specifier}${ref.typeOnly ? ' (type-only)' : ''} is not declared in ${pkg.manifest.name}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  /**
   * Third-party subpaths that their package documents as its public entry points (so not a deep
   * import): ajv's JSON Schema 2020-12 class is only published as `ajv/dist/2020`
   * (https://ajv.js.org/json-schema.html#draft-2020-12).
   */
  const DOCUMENTED_ENTRY_POINTS = new Set(['ajv/dist/2020.js']);

  it('no package deep-imports another (subpaths, src/, dist/, or relative paths out of its folder)', () => {
    const problems: string[] = [];
    for (const pkg of packages) {
      for (const ref of pkg.imports) {
        const spec = ref.specifier;
        if (spec.startsWith('@portcullis/') && spec.split('/').length > 2) problems.push(`${relative(root, ref.file)}: ${spec}`);
        else if (DOCUMENTED_ENTRY_POINTS.has(spec)) continue;
        else if (!isRelative(spec) && /\/(src|dist)(\/|$)/.test(spec)) problems.push(`${relative(root, ref.file)}: ${spec}`);
        else if (isRelative(spec)) {
          const target = resolve(dirname(ref.file), spec);
          if (!target.startsWith(join(pkg.dir, 'src') + sep)) problems.push(`${relative(root, ref.file)}: ${spec} leaves ${relative(root, join(pkg.dir, 'src'))}`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('no `export *` in any src file (explicit public APIs)', () => {
    const all = packages.flatMap((pkg) => pkg.exportStars);
    assert.deepEqual(all, []);
    for (const pkg of packages) {
      if (pkg.files.length === 0) continue;
      assert.ok(existsSync(join(pkg.dir, 'src', 'index.ts')), `${pkg.manifest.name} has src/index.ts`);
    }
  });

  it('the scanner sees what it must (self-check on a sample)', () => {
    const sample = ts.createSourceFile(
      'sample.ts',
      `// import x from 'commented-out';
       import type { A } from 'types-only';
       import { type B, C } from 'mixed';
       import 'side-effect';
       export * from './star.js';
       export { D } from '@portcullis/core/dist/index.js';
       const s = "import nope from 'in-a-string'";
       const lazy = await import('node:fs');
       const old = require('cjs-thing');
       Buffer.from(s); process.env.X; obj.process = 1;
       type T = import('import-type').T;`,
      ts.ScriptTarget.Latest,
      true,
    );
    const refs = importsOf('sample.ts', sample).map((r) => `${r.specifier}${r.typeOnly ? ':type' : ''}`);
    assert.deepEqual(refs, ['types-only:type', 'mixed', 'side-effect', './star.js', '@portcullis/core/dist/index.js', 'node:fs', 'cjs-thing', 'import-type:type']);
    assert.equal(exportStarsOf(sample), 1);
    assert.deepEqual(nodeGlobalsOf(sample).map((g) => g.split(' ')[0]), ['require', 'Buffer', 'process']);
  });
});
