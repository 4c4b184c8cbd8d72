import { Kind, type OperationDefinitionNode, type SelectionNode } from 'graphql';
import { fieldWeight, listArgumentSize, variableDefaults } from './cost.js';
import type { PreparedDocument } from './document.js';
import type { ResolvedAnalyzerOptions } from './options.js';
import type { FieldInfo, TypeIndex } from './schema.js';

/** Everything the walk measures; identity plays no part in it. */
export interface WalkMetrics {
  depth: number;
  aliases: number;
  directives: number;
  rootFields: number;
  fieldDuplicates: number;
  cost: number;
  introspection: boolean;
}

export type WalkResult =
  | {
      readonly ok: true;
      readonly metrics: WalkMetrics;
      /** 'Type.field' coordinates and type names selected that carry an authorization rule. */
      readonly guardedFields: readonly string[];
      readonly guardedTypes: readonly string[];
    }
  | { readonly ok: false; readonly reason: 'invalid' | 'too-large'; readonly detail: string };

/**
 * Bounds the expanded document: fragments spread many times at many levels expand exponentially,
 * and the walk stops (refusing the document) after this many selections instead of hanging.
 */
export const MAX_VISITED_SELECTIONS = 10_000;

const SCHEMA_FIELD: FieldInfo = Object.freeze({ namedType: '__Schema', isList: false, isLeaf: false });
const TYPE_FIELD: FieldInfo = Object.freeze({ namedType: '__Type', isList: false, isLeaf: false });

/** One selection set to walk; fragments share their parent's depth, multiplier and response keys. */
interface Frame {
  readonly selections: readonly SelectionNode[];
  readonly parentType: string | undefined;
  readonly depth: number;
  readonly multiplier: number;
  readonly seenKeys: Set<string>;
  /** The field owning this selection set had a list argument (a connection: edges/nodes do not multiply again). */
  readonly sliced: boolean;
}

export function selectOperation(
  document: PreparedDocument,
  operationName: string | undefined,
): OperationDefinitionNode | undefined {
  if (operationName === undefined) return document.operations.length === 1 ? document.operations[0] : undefined;
  for (const operation of document.operations) if (operation.name?.value === operationName) return operation;
  return undefined;
}

function rootTypeName(operation: OperationDefinitionNode, index: TypeIndex | undefined): string {
  if (operation.operation === 'mutation') return index?.mutation ?? 'Mutation';
  if (operation.operation === 'subscription') return index?.subscription ?? 'Subscription';
  return index?.query ?? 'Query';
}

/**
 * The one walk of the selected operation, with fragments expanded, on an explicit stack (no
 * recursion, so no stack overflow at any depth). Depth convention: the root selection's fields are
 * depth 1, a field's children depth + 1; fragments (inline and named) add no level; `__typename`
 * counts for nothing but aliases and duplicates. Fragment cycles were refused when the document was
 * prepared, so the walk terminates; MAX_VISITED_SELECTIONS bounds its work.
 */
export function walkOperation(
  document: PreparedDocument,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | undefined,
  index: TypeIndex | undefined,
  options: ResolvedAnalyzerOptions,
): WalkResult {
  const cost = options.cost;
  const authorizedFields = options.authorization.fields;
  const authorizedTypes = options.authorization.types;
  const needCoordinates = cost.fields.size > 0 || authorizedFields.size > 0;
  const hasSchema = index !== undefined;
  const defaults = operation.variableDefinitions?.length ? variableDefaults(operation) : new Map<string, number>();
  const metrics: WalkMetrics = {
    depth: 0,
    aliases: 0,
    directives: operation.directives?.length ?? 0,
    rootFields: 0,
    fieldDuplicates: 0,
    cost: 0,
    introspection: false,
  };
  const guardedFields = new Set<string>();
  const guardedTypes = new Set<string>();
  const rootType = rootTypeName(operation, index);
  if (authorizedTypes.has(rootType)) guardedTypes.add(rootType);
  const stack: Frame[] = [
    { selections: operation.selectionSet.selections, parentType: rootType, depth: 1, multiplier: 1, seenKeys: new Set(), sliced: false },
  ];
  let visited = 0;
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const { parentType, depth, multiplier, seenKeys } = frame;
    const parentFields = parentType === undefined ? undefined : index?.types.get(parentType);
    for (const selection of frame.selections) {
      if (++visited > MAX_VISITED_SELECTIONS) return { ok: false, reason: 'too-large', detail: 'expanded document too large' };
      if (selection.directives !== undefined) metrics.directives += selection.directives.length;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (selection.alias !== undefined) metrics.aliases++;
        const key = selection.alias?.value ?? name;
        if (seenKeys.has(key)) metrics.fieldDuplicates++;
        else seenKeys.add(key);
        if (name === '__typename') continue;
        if (depth === 1) metrics.rootFields++;
        if (depth > metrics.depth) metrics.depth = depth;
        let info: FieldInfo | undefined;
        if (name === '__schema') {
          metrics.introspection = true;
          info = SCHEMA_FIELD;
        } else if (name === '__type') {
          metrics.introspection = true;
          info = TYPE_FIELD;
        } else info = parentFields?.get(name);
        const coordinate = needCoordinates && parentType !== undefined ? `${parentType}.${name}` : undefined;
        if (coordinate !== undefined && authorizedFields.has(coordinate)) guardedFields.add(coordinate);
        if (info !== undefined && authorizedTypes.has(info.namedType)) guardedTypes.add(info.namedType);
        const size = listArgumentSize(selection.arguments, variables, defaults, cost);
        const ownMultiplier = size ?? (info?.isList === true && !frame.sliced ? cost.implicitListSize : 1);
        const fieldMultiplier = multiplier * ownMultiplier;
        const weight = fieldWeight(coordinate, info, hasSchema, selection.selectionSet !== undefined, cost);
        // weight 0 adds nothing, and 0 * Infinity would be NaN.
        if (weight > 0) metrics.cost += weight * fieldMultiplier;
        if (selection.selectionSet !== undefined) {
          stack.push({
            selections: selection.selectionSet.selections,
            parentType: info?.namedType,
            depth: depth + 1,
            multiplier: fieldMultiplier,
            seenKeys: new Set(),
            sliced: size !== undefined,
          });
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition?.name.value;
        if (condition !== undefined && authorizedTypes.has(condition)) guardedTypes.add(condition);
        stack.push({ ...frame, selections: selection.selectionSet.selections, parentType: condition ?? parentType });
      } else {
        const fragment = document.fragments.get(selection.name.value);
        if (fragment === undefined) return { ok: false, reason: 'invalid', detail: 'unknown fragment' };
        if (fragment.directives !== undefined) metrics.directives += fragment.directives.length;
        const condition = fragment.typeCondition.name.value;
        if (authorizedTypes.has(condition)) guardedTypes.add(condition);
        stack.push({ ...frame, selections: fragment.selectionSet.selections, parentType: condition });
      }
    }
  }
  return { ok: true, metrics, guardedFields: [...guardedFields], guardedTypes: [...guardedTypes] };
}
