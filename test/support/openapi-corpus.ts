import { readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/** The directory of the copied real-world OpenAPI documents (gzip; see its README for sources and licences). */
export const OPENAPI_CORPUS_DIR = fileURLToPath(new URL('../corpora/openapi/', import.meta.url));

/** The corpus file names without `.gz`, e.g. `github-api.github.com.json`. */
export function openApiCorpusFiles(): string[] {
  return readdirSync(OPENAPI_CORPUS_DIR)
    .filter((name) => name.endsWith('.json.gz') || name.endsWith('.yaml.gz'))
    .map((name) => name.slice(0, -'.gz'.length))
    .sort();
}

/** The text of one corpus document. */
export function readOpenApiCorpusText(name: string): string {
  return gunzipSync(readFileSync(`${OPENAPI_CORPUS_DIR}${name}.gz`)).toString('utf8');
}

/** One corpus document, parsed (JSON or YAML by its name). */
export function readOpenApiCorpus(name: string): Record<string, unknown> {
  const text = readOpenApiCorpusText(name);
  return (name.endsWith('.yaml') ? parseYaml(text, { maxAliasCount: -1 }) : JSON.parse(text)) as Record<string, unknown>;
}
