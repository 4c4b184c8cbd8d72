/**
 * The thirteen real documents of test/corpora/openapi load without error, as objects and from
 * files, with their version, all their paths, and the expected leniency warnings only.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDocument } from '../src/document/load-document.js';
import { openApiCorpusFiles, readOpenApiCorpus, readOpenApiCorpusText } from '../../../test/support/openapi-corpus.js';

type Doc = Record<string, unknown>;

/** name -> [version, number of paths, codes of the warnings expected]. Counted from the files. */
const EXPECTED: Record<string, readonly [string, number, readonly string[]]> = {
  'adyen-checkout-v71.json': ['3.1', 26, []],
  'box.json': ['3.0', 186, ['server-variables']],
  'digitalocean-bundled.json': ['3.0', 445, ['server-variables']],
  'discord-v10.json': ['3.1', 150, []],
  'github-api.github.com.json': ['3.0', 811, []],
  'kubernetes-v1.29-core-v1.json': ['3.0', 112, []],
  'oai-petstore-3.0.yaml': ['3.0', 2, []],
  'oai-tictactoe-3.1.yaml': ['3.1', 2, []],
  'oai-webhook-example-3.1.yaml': ['3.1', 0, []],
  'openai.json': ['3.1', 182, []],
  'redocly-museum-3.1.yaml': ['3.1', 5, []],
  'stripe-spec3-2023-09.yaml': ['3.0', 318, []],
  'twilio-api-v2010.json': ['3.0', 121, []],
};

const tempDirs: string[] = [];
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function writeTemp(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-corpus-'));
  tempDirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('OpenAPI corpus documents load', () => {
  it('covers the thirteen documents of the corpus', () => {
    assert.deepEqual(openApiCorpusFiles(), Object.keys(EXPECTED).sort());
  });

  for (const [name, [version, pathCount, warningCodes]] of Object.entries(EXPECTED)) {
    it(`${name} loads as an object: OAS ${version}, ${pathCount} paths`, () => {
      const source = readOpenApiCorpus(name);
      const loaded = loadDocument(source);
      assert.equal(loaded.version, version);
      assert.notEqual(loaded.root, source);
      assert.equal(Object.keys((loaded.root['paths'] ?? {}) as Doc).length, pathCount);
      // No corpus document has external refs, so nothing is bundled.
      assert.equal(loaded.root['x-portcullis-bundled'], undefined);
      assert.deepEqual([...new Set(loaded.warnings.map((warning) => warning.code))], warningCodes);
      for (const warning of loaded.warnings) assert.match(warning.location, /^document#\//);
    });
  }

  it('small documents are bundled into an equal object', () => {
    for (const name of ['oai-petstore-3.0.yaml', 'oai-tictactoe-3.1.yaml', 'redocly-museum-3.1.yaml', 'oai-webhook-example-3.1.yaml']) {
      const source = readOpenApiCorpus(name);
      assert.deepEqual(loadDocument(source).root, source, name);
    }
  });

  for (const name of ['oai-petstore-3.0.yaml', 'redocly-museum-3.1.yaml', 'stripe-spec3-2023-09.yaml', 'twilio-api-v2010.json', 'github-api.github.com.json']) {
    it(`${name} loads from a file and describes locations by its name`, () => {
      const path = writeTemp(name, readOpenApiCorpusText(name));
      const loaded = loadDocument(path);
      const [version, pathCount] = EXPECTED[name] ?? ['', 0];
      assert.equal(loaded.version, version);
      const paths = Object.keys(loaded.root['paths'] as Doc);
      assert.equal(paths.length, pathCount);
      const first = paths[0]?.replace(/~/g, '~0').replace(/\//g, '~1');
      assert.equal(loaded.describe(`#/paths/${first}`), `${name}#/paths/${first}`);
    });
  }

  it('keeps the odd path keys of Box and OpenAI', () => {
    const box = Object.keys(loadDocument(readOpenApiCorpus('box.json')).root['paths'] as Doc);
    assert.ok(box.includes('/oauth2/token#refresh'));
    const openai = Object.keys(loadDocument(readOpenApiCorpus('openai.json')).root['paths'] as Doc);
    assert.ok(openai.includes('/responses?beta=true'));
  });

  it('names Box\'s server-variable locations', () => {
    const warnings = loadDocument(readOpenApiCorpus('box.json')).warnings;
    assert.ok(warnings.length > 0);
    for (const warning of warnings) assert.match(warning.location, /^document#\/paths\/~1files~1upload_sessions.*\/servers\/0$/);
  });
});
