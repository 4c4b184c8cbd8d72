import type { ParameterizedContext } from 'koa';

/**
 * Where Koa body parsers put the body. Koa itself declares no `request.body`; koa-bodyparser and
 * @koa/bodyparser add `body` and `rawBody`, and skip a request whose `body` is already set.
 * Read and written structurally, so that this package's types do not clash with theirs.
 */
export interface KoaRequestBody {
  body?: unknown;
  rawBody?: string;
}

export function requestBodyOf(ctx: ParameterizedContext): KoaRequestBody {
  return ctx.request as unknown as KoaRequestBody;
}
