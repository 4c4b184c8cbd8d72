// The GraphQL corpus of test/corpora/graphql, read once: each corpus's schema (built once with
// graphql-js) and its operations, each parsed once so that the peers' validation rules get the same
// document every time (their cost is measured without parsing, as ours is reported next to parse).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, isEnumType, isInputObjectType, isListType, isNonNullType, parse, typeFromAST } from 'graphql';

const CORPORA = fileURLToPath(new URL('../../test/corpora/graphql/', import.meta.url));

/** The three corpora; GitHub's SDL declares two fields twice, which `buildSchema` only accepts with `assumeValidSDL`. */
const CORPUS_DEFINITIONS = [
  { id: 'github', title: 'GitHub (public schema, 47 operations)' },
  { id: 'saleor', title: 'Saleor dashboard (415 operations, fragments inlined)' },
  { id: 'swapi', title: 'SWAPI (8 example queries)' },
];

function readQueries(dir) {
  try {
    return JSON.parse(readFileSync(`${dir}/queries.json`, 'utf8')).map((q) => ({ name: q.name, variables: q.variables ?? undefined, query: q.query }));
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  // SWAPI ships one `.graphql` file per example query and no queries.json.
  return readdirSync(`${dir}/queries`)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => ({ name: file.replace(/\.graphql$/, ''), variables: undefined, query: readFileSync(`${dir}/queries/${file}`, 'utf8') }));
}

/** A value for a required input type: the smallest that graphql-js coerces (custom scalars accept anything). */
function sampleValue(type, depth) {
  if (isNonNullType(type)) return sampleValue(type.ofType, depth);
  if (isListType(type)) return [sampleValue(type.ofType, depth)];
  if (isEnumType(type)) return type.getValues()[0].name;
  if (isInputObjectType(type)) {
    const value = {};
    // Bounded: a required field cycle through input objects cannot be satisfied anyway.
    if (depth > 8) return value;
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined) value[field.name] = sampleValue(field.type, depth + 1);
    }
    return value;
  }
  switch (type.name) {
    case 'Int':
      return 1;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return true;
    default:
      return '1';
  }
}

/**
 * The corpus's variables, completed with a sample value for every required variable it leaves out
 * (Saleor's operations come without variables): graphql-query-complexity refuses an operation whose
 * required variables are missing, and every tool gets the same values.
 */
function completeVariables(schema, document, given) {
  const variables = { ...(given ?? {}) };
  for (const definition of document.definitions) {
    if (definition.kind !== 'OperationDefinition') continue;
    for (const v of definition.variableDefinitions ?? []) {
      const name = v.variable.name.value;
      if (name in variables || v.type.kind !== 'NonNullType' || v.defaultValue !== undefined) continue;
      const type = typeFromAST(schema, v.type);
      if (type !== undefined) variables[name] = sampleValue(type, 0);
    }
  }
  return Object.keys(variables).length === 0 && given === undefined ? undefined : variables;
}

/** `[{ id, title, sdl, schema, queries: [{ name, variables, query, document }] }]` */
export function loadGraphQLCorpora() {
  return CORPUS_DEFINITIONS.map(({ id, title }) => {
    const dir = `${CORPORA}${id}`;
    const sdl = readFileSync(`${dir}/schema.graphql`, 'utf8');
    const schema = buildSchema(sdl, { assumeValidSDL: true });
    const queries = readQueries(dir).map((q) => {
      const document = parse(q.query);
      return { ...q, variables: completeVariables(schema, document, q.variables), document };
    });
    return { id, title, sdl, schema, queries };
  });
}
