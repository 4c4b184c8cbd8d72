/**
 * JSON handling: parsed once with the native parser, then one bounded walk over the result that
 * enforces depth, key and array limits and refuses prototype-pollution keys. Duplicate keys (which
 * JSON.parse silently collapses to the last one) are found by a separate scan, only when asked.
 */
export interface JsonLimits {
  readonly maxDepth: number;
  readonly maxKeys: number;
  readonly maxArrayLength: number;
}

export type JsonProblem = 'json_invalid' | 'json_too_deep' | 'json_too_many_keys' | 'json_array_too_long' | 'json_forbidden_key' | 'json_duplicate_key';

/**
 * Walks a parsed value (ours, or one the framework parsed) and returns the first problem found.
 * Recursion is bounded by `maxDepth`, so a hostile nesting can never exhaust the stack.
 */
export function inspectJson(value: unknown, limits: JsonLimits): JsonProblem | undefined {
  const state = { keys: 0 };
  return walk(value, 1, limits, state);
}

function walk(value: unknown, depth: number, limits: JsonLimits, state: { keys: number }): JsonProblem | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  // Raw bytes a framework kept as they came (Express's `express.raw()` Buffer) are not a JSON
  // structure: walking them would count every byte as a key and refuse the Buffer's prototype.
  if (ArrayBuffer.isView(value)) return undefined;
  if (depth > limits.maxDepth) return 'json_too_deep';
  if (Array.isArray(value)) {
    if (value.length > limits.maxArrayLength) return 'json_array_too_long';
    for (let i = 0; i < value.length; i++) {
      const problem = walk(value[i], depth + 1, limits, state);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    state.keys++;
    if (state.keys > limits.maxKeys) return 'json_too_many_keys';
    const child = (value as Record<string, unknown>)[key];
    if (key === '__proto__') return 'json_forbidden_key';
    // `constructor.prototype` is the other route to a prototype (secure-json-parse's rule).
    if (key === 'constructor' && child !== null && typeof child === 'object' && Object.hasOwn(child, 'prototype')) {
      return 'json_forbidden_key';
    }
    const problem = walk(child, depth + 1, limits, state);
    if (problem !== undefined) return problem;
  }
  // A framework parser may have produced an object whose own `__proto__` is not enumerable.
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return 'json_forbidden_key';
  return undefined;
}

/**
 * Finds a duplicate key in JSON text that is already known to be valid JSON. Linear, iterative
 * (no recursion), so it cannot overflow the stack. Keys are compared after unescaping.
 */
export function hasDuplicateKey(text: string): boolean {
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push(null);
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = stack.length > 0 && stack[stack.length - 1] !== null;
    } else if (c === 0x22 /* " */) {
      let j = i + 1;
      while (j < text.length) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) j += 2;
        else if (d === 0x22) break;
        else j++;
      }
      if (expectKey) {
        const keys = stack[stack.length - 1];
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (keys !== null && keys !== undefined) {
          if (keys.has(key)) return true;
          keys.add(key);
        }
        expectKey = false;
      }
      i = j;
    }
  }
  return false;
}
