/**
 * Parameters defined by `content` (`?filter={"a":1}` as `application/json`): JSON media types are
 * parsed, with a depth cap and prototype keys refused as in core's JSON check; any other media
 * type is passed on as the decoded text.
 */
import type { ParameterIssueKeyword } from './issues.js';

const MAX_JSON_DEPTH = 32;

export function isJsonMediaType(mediaType: string): boolean {
  const essence = (mediaType.split(';')[0] as string).trim().toLowerCase();
  return essence === 'application/json' || /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+\+json$/.test(essence);
}

export function contentValue(text: string, mediaType: string): { readonly value: unknown } | ParameterIssueKeyword {
  if (!isJsonMediaType(mediaType)) return { value: text };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'content';
  }
  return inspect(value) ?? { value };
}

/** Iterative (an explicit stack), so hostile nesting cannot exhaust the call stack. */
function inspect(root: unknown): ParameterIssueKeyword | undefined {
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return 'maxDepth';
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      if (key === '__proto__') return 'forbiddenKey';
      if (key === 'constructor' && child !== null && typeof child === 'object' && Object.hasOwn(child, 'prototype')) return 'forbiddenKey';
      stack.push({ value: child, depth: depth + 1 });
    }
  }
  return undefined;
}
