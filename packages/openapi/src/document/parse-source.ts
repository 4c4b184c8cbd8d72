import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { DocumentError, type DocumentWarning } from './types.js';

/**
 * The largest file the loader reads (the GitHub description is 12 MB; fully dereferenced
 * variants reach 78 MB). Anything bigger is almost certainly not meant to be loaded synchronously
 * at start-up.
 */
export const MAX_DOCUMENT_FILE_BYTES = 128 * 1024 * 1024;

/**
 * How many alias expansions YAML may perform (yaml's count: uses times nested aliases). Bounds
 * "billion laughs" documents; hand-written OpenAPI YAML that shares a few anchors stays far below.
 */
export const MAX_YAML_ALIAS_COUNT = 1_000;

export interface ParsedFile {
  readonly value: unknown;
  readonly warnings: readonly DocumentWarning[];
}

/**
 * Reads and parses one file. `label` is how the user knows the file (`api.yaml`,
 * `schemas/pet.yaml`); every error is located `label:line:col` when the parser says where.
 */
export function readAndParseFile(path: string, label: string): ParsedFile {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_DOCUMENT_FILE_BYTES) {
      throw new DocumentError(label, `file is larger than ${MAX_DOCUMENT_FILE_BYTES} bytes`);
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof DocumentError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new DocumentError(label, code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? 'error'})`);
  }
  return parseText(text, formatOf(path), label);
}

export type TextFormat = 'json' | 'yaml' | 'unknown';

export function formatOf(path: string): TextFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  return 'unknown';
}

/** Parses JSON or YAML text; an unknown format is tried as JSON, then as YAML (reporting YAML's error). */
export function parseText(text: string, format: TextFormat, label: string): ParsedFile {
  // A UTF-8 byte-order mark is legal at the start of a file and JSON.parse rejects it.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (format === 'json') return { value: parseJson(body, label), warnings: [] };
  if (format === 'unknown') {
    try {
      return { value: JSON.parse(body) as unknown, warnings: [] };
    } catch {
      // Not JSON: YAML is the only other format a document may be in.
    }
  }
  return parseYaml(body, label);
}

function parseJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    if (position !== null) {
      const { line, col } = lineAndColumn(text, Number(position[1]));
      throw new DocumentError(`${label}:${line}:${col}`, `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/s, '')}`);
    }
    // V8 quotes part of the text in some messages ("Unexpected token 'x', "{..." is not valid JSON"): keep only the reason.
    throw new DocumentError(label, `invalid JSON: ${message.replace(/, ".*" is not valid JSON$/s, '')}`);
  }
}

function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

function parseYaml(text: string, label: string): ParsedFile {
  const lineCounter = new LineCounter();
  // YAML 1.2 core schema: no custom tags, no `!!binary`/`!!timestamp` conversions. Merge keys
  // (`<<: *base`) are accepted because many hand-written OpenAPI files use them; they count
  // against the alias bound like any alias.
  const document = parseDocument(text, {
    schema: 'core',
    customTags: [],
    merge: true,
    resolveKnownTags: false,
    uniqueKeys: true,
    prettyErrors: false,
    lineCounter,
  });
  const located = (pos: readonly [number, number] | undefined): string => {
    if (pos === undefined) return label;
    const { line, col } = lineCounter.linePos(pos[0]);
    return `${label}:${line}:${col}`;
  };
  const firstError = document.errors[0];
  if (firstError !== undefined) {
    throw new DocumentError(located(firstError.pos), `invalid YAML (${firstError.code}): ${firstLine(firstError.message)}`);
  }
  const warnings: DocumentWarning[] = document.warnings.map((warning) => ({
    code: 'yaml-warning',
    location: located(warning.pos),
    message: `YAML: ${firstLine(warning.message)} (${warning.code}); the tag is ignored and the value read as if untagged`,
  }));
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof ReferenceError || error instanceof RangeError) {
      throw new DocumentError(label, `YAML aliases expand beyond the limit of ${MAX_YAML_ALIAS_COUNT} (an alias bomb?)`);
    }
    throw new DocumentError(label, `invalid YAML: ${firstLine((error as Error).message)}`);
  }
  return { value, warnings };
}

function firstLine(message: string): string {
  const newline = message.indexOf('\n');
  return newline === -1 ? message : message.slice(0, newline);
}
