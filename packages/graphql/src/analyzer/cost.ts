import { Kind, type ArgumentNode, type OperationDefinitionNode } from 'graphql';
import type { ResolvedCost } from './options.js';
import type { FieldInfo } from './schema.js';

/**
 * Cost rule: cost(field) = (weight(field) + sum(cost(children))) * multiplier(field).
 * The walk applies it top-down: each field adds weight * (product of its own and its ancestors'
 * multipliers), which is the same sum without a recursion.
 */

/** Integer default values of the operation's variables (`$first: Int = 20`), by variable name. */
export function variableDefaults(operation: OperationDefinitionNode): ReadonlyMap<string, number> {
  const defaults = new Map<string, number>();
  for (const definition of operation.variableDefinitions ?? []) {
    const value = definition.defaultValue;
    if (value?.kind === Kind.INT) defaults.set(definition.variable.name.value, Number.parseInt(value.value, 10));
  }
  return defaults;
}

/**
 * The list size a field asks for through its first list argument (in the order of
 * `cost.listArguments`), or undefined when it has none. A literal or a variable's value is used when
 * it is a non-negative integer; an absent variable falls back to its default value in the operation;
 * anything else (null, a negative or fractional number, a string) counts as `defaultListSize`, the
 * same as an absent size. Every size is clamped to `maxListSize`.
 */
export function listArgumentSize(
  args: readonly ArgumentNode[] | undefined,
  variables: Readonly<Record<string, unknown>> | undefined,
  defaults: ReadonlyMap<string, number>,
  cost: ResolvedCost,
): number | undefined {
  if (args === undefined || args.length === 0) return undefined;
  // The largest of every list argument present: `first: null, last: 1000` asks for 1,000 items
  // (servers treat a null `first` as absent), so the first argument found cannot decide alone.
  let largest: number | undefined;
  for (const arg of args) {
    if (!cost.listArguments.includes(arg.name.value)) continue;
    let size: unknown;
    const value = arg.value;
    if (value.kind === Kind.INT) size = Number.parseInt(value.value, 10);
    else if (value.kind === Kind.VARIABLE) {
      const variable = value.name.value;
      size = variables !== undefined && Object.hasOwn(variables, variable) ? variables[variable] : defaults.get(variable);
    }
    let counted: number;
    if (size === null || (value.kind === Kind.NULL)) continue;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) counted = cost.defaultListSize;
    else counted = size > cost.maxListSize ? cost.maxListSize : size;
    if (largest === undefined || counted > largest) largest = counted;
  }
  // List arguments that are all null: the server's default page, counted as defaultListSize.
  if (largest === undefined && args.some((a) => cost.listArguments.includes(a.name.value))) return cost.defaultListSize;
  return largest;
}

/**
 * Weight of one field: its 'Type.field' weight, else its return type's weight, else the default
 * (leaf fields cost `defaultScalar` when a schema says they are leaves; without a schema every field
 * costs `defaultField`).
 */
export function fieldWeight(
  coordinate: string | undefined,
  info: FieldInfo | undefined,
  hasSchema: boolean,
  hasSelections: boolean,
  cost: ResolvedCost,
): number {
  if (coordinate !== undefined) {
    const weight = cost.fields.get(coordinate);
    if (weight !== undefined) return weight;
  }
  if (info !== undefined) {
    const weight = cost.types.get(info.namedType);
    if (weight !== undefined) return weight;
    return info.isLeaf ? cost.defaultScalar : cost.defaultField;
  }
  // With a schema, a field it does not know is still a leaf when it selects nothing.
  return hasSchema && !hasSelections ? cost.defaultScalar : cost.defaultField;
}
