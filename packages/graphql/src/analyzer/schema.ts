import {
  GraphQLSchema,
  buildASTSchema,
  getNamedType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  parse,
  validateSchema,
  type GraphQLOutputType,
} from 'graphql';
import { PolicyError } from '@portcullis/core';

/** What the walk needs to know about one field: no graphql-js objects on the hot path. */
export interface FieldInfo {
  readonly namedType: string;
  readonly isList: boolean;
  readonly isLeaf: boolean;
}

export interface TypeIndex {
  /** type name -> field name -> info, for object and interface types (introspection types included). */
  readonly types: ReadonlyMap<string, ReadonlyMap<string, FieldInfo>>;
  /** Every named type (unions, scalars, enums and input types too), for option checks. */
  readonly names: ReadonlySet<string>;
  readonly query: string | undefined;
  readonly mutation: string | undefined;
  readonly subscription: string | undefined;
  /** object type -> the interfaces it implements and the unions it belongs to. */
  readonly abstractTypesOf: ReadonlyMap<string, readonly string[]>;
}

export interface LoadedSchema {
  readonly index: TypeIndex;
  readonly warnings: readonly string[];
}

function isListOutput(type: GraphQLOutputType): boolean {
  const inner = isNonNullType(type) ? type.ofType : type;
  return isListType(inner);
}

/** Only the first line of a graphql-js message: the schema is the operator's own, but keep warnings short. */
function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

function indexSchema(schema: GraphQLSchema): TypeIndex {
  const types = new Map<string, Map<string, FieldInfo>>();
  const names = new Set<string>();
  for (const [name, type] of Object.entries(schema.getTypeMap())) {
    names.add(name);
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    const fields = new Map<string, FieldInfo>();
    for (const [fieldName, field] of Object.entries(type.getFields())) {
      const named = getNamedType(field.type);
      fields.set(fieldName, { namedType: named.name, isList: isListOutput(field.type), isLeaf: isLeafType(named) });
    }
    types.set(name, fields);
  }
  const abstractTypesOf = new Map<string, string[]>();
  const add = (objectName: string, abstractName: string): void => {
    const list = abstractTypesOf.get(objectName) ?? [];
    if (!list.includes(abstractName)) list.push(abstractName);
    abstractTypesOf.set(objectName, list);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type)) for (const iface of type.getInterfaces()) add(type.name, iface.name);
    else if (isUnionType(type)) for (const member of type.getTypes()) add(member.name, type.name);
  }
  return {
    types,
    names,
    abstractTypesOf,
    query: schema.getQueryType()?.name,
    mutation: schema.getMutationType()?.name,
    subscription: schema.getSubscriptionType()?.name,
  };
}

/**
 * SDL text or a built schema -> the light index the walk uses. Real schemas are imperfect
 * (GitHub's SDL defines fields twice, which the strict SDL validation rejects): a schema that only
 * fails validation still loads, with a warning naming the problem; text that does not even parse is
 * a start-up error.
 */
export function loadSchema(schema: string | GraphQLSchema, path: string): LoadedSchema {
  const warnings: string[] = [];
  let built: GraphQLSchema;
  if (typeof schema === 'string') {
    let document;
    try {
      document = parse(schema, { noLocation: true });
    } catch (error) {
      throw new PolicyError(path, `the SDL does not parse: ${firstLine((error as Error).message)}`);
    }
    try {
      built = buildASTSchema(document);
    } catch (error) {
      warnings.push(`${path}: the SDL fails validation (${firstLine((error as Error).message)}); loaded without SDL validation`);
      try {
        built = buildASTSchema(document, { assumeValidSDL: true, assumeValid: true });
      } catch (inner) {
        throw new PolicyError(path, `the SDL cannot be built: ${firstLine((inner as Error).message)}`);
      }
    }
  } else if (schema instanceof GraphQLSchema) {
    built = schema;
  } else {
    throw new PolicyError(path, 'expected SDL text or a GraphQLSchema (from the same graphql package)');
  }
  const problems = validateSchema(built);
  if (problems.length > 0) {
    warnings.push(
      `${path}: the schema has ${problems.length} validation problem(s), e.g. ${firstLine(problems[0]?.message ?? '')}; the analyzer does not need a valid schema`,
    );
  }
  return { index: indexSchema(built), warnings };
}
