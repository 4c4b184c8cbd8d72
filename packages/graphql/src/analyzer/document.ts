import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * A parsed document with what every analysis of it needs and nothing request-specific: its
 * operations, its fragments by name, and whether the fragments form a cycle. Cached by hash.
 */
export interface PreparedDocument {
  readonly operations: readonly OperationDefinitionNode[];
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly tokens: number;
  /** A fixed reason when the document cannot be executed at all. */
  readonly problem: 'not an executable document' | 'fragment cycle' | 'duplicate fragment name' | 'duplicate operation name' | 'anonymous operation not alone' | 'no operation' | undefined;
}

/** Names of the fragments spread anywhere inside one selection set (inline fragments included). */
function spreadsIn(selectionSet: SelectionSetNode): string[] {
  const names: string[] = [];
  const pending: SelectionSetNode[] = [selectionSet];
  for (let set = pending.pop(); set !== undefined; set = pending.pop()) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) names.push(selection.name.value);
      else if (selection.selectionSet !== undefined) pending.push(selection.selectionSet);
    }
  }
  return names;
}

const UNVISITED = 0;
const IN_PROGRESS = 1;
const DONE = 2;

/** Iterative depth-first search with an in-progress mark: a spread of an in-progress fragment is a cycle. */
function hasFragmentCycle(fragments: ReadonlyMap<string, FragmentDefinitionNode>): boolean {
  const spreads = new Map<string, string[]>();
  for (const [name, fragment] of fragments) spreads.set(name, spreadsIn(fragment.selectionSet));
  const state = new Map<string, number>();
  for (const start of fragments.keys()) {
    if ((state.get(start) ?? UNVISITED) !== UNVISITED) continue;
    const stack: Array<{ name: string; next: number }> = [{ name: start, next: 0 }];
    state.set(start, IN_PROGRESS);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { name: string; next: number };
      const children = spreads.get(top.name) ?? [];
      if (top.next >= children.length) {
        state.set(top.name, DONE);
        stack.pop();
        continue;
      }
      const childName = children[top.next++] as string;
      if (!spreads.has(childName)) continue; // unknown fragment: reported by the walk if it is reached
      const childState = state.get(childName) ?? UNVISITED;
      if (childState === IN_PROGRESS) return true;
      if (childState === UNVISITED) {
        state.set(childName, IN_PROGRESS);
        stack.push({ name: childName, next: 0 });
      }
    }
  }
  return false;
}

export function prepareDocument(document: DocumentNode, tokens: number): PreparedDocument {
  const operations: OperationDefinitionNode[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  let problem: PreparedDocument['problem'];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
    else if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      if (fragments.has(definition.name.value)) problem ??= 'duplicate fragment name';
      fragments.set(definition.name.value, definition);
    } else problem ??= 'not an executable document';
  }
  if (problem === undefined && operations.length === 0) problem = 'no operation';
  // graphql-js executes the last operation of a repeated name while a first-match lookup analyzes
  // the first: a document must name each operation once (as GraphQL validation requires), and an
  // anonymous operation must stand alone.
  if (problem === undefined && operations.length > 1) {
    const names = new Set<string>();
    for (const operation of operations) {
      const name = operation.name?.value;
      if (name === undefined) {
        problem = 'anonymous operation not alone';
        break;
      }
      if (names.has(name)) {
        problem = 'duplicate operation name';
        break;
      }
      names.add(name);
    }
  }
  if (problem === undefined && fragments.size > 0 && hasFragmentCycle(fragments)) problem = 'fragment cycle';
  return { operations, fragments, tokens, problem };
}
