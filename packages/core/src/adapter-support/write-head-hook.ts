/**
 * Runs a callback once, just before a Node response writes its status line and headers. Shared by
 * the adapters on Node's http module (Express, Koa) for the response phase. Described structurally:
 * core imports nothing from `node:http`.
 */
export interface NodeResponseLike {
  writeHead: (...args: never[]) => unknown;
  readonly headersSent: boolean;
  statusCode: number;
  setHeader(name: string, value: string | number | readonly string[]): unknown;
  removeHeader(name: string): void;
  appendHeader(name: string, value: string | readonly string[]): unknown;
}

type HeadersArgument = Readonly<Record<string, unknown>> | readonly unknown[] | undefined | null;

/**
 * Moves the headers given to `writeHead(status, headers)` onto the response first, with Node's own
 * precedence (they override earlier `setHeader` values; a flat array may repeat a name), so that the
 * callback sees and can change them too.
 */
function adoptHeaders(res: NodeResponseLike, headers: HeadersArgument): void {
  if (headers === undefined || headers === null) return;
  if (Array.isArray(headers)) {
    const list = headers as readonly unknown[];
    // Node accepts a flat [name, value, name, value] list; anything else is left for Node to refuse.
    if (list.length % 2 !== 0 || list.some((item, i) => i % 2 === 0 && typeof item !== 'string')) return;
    for (let i = 0; i < list.length; i += 2) res.removeHeader(list[i] as string);
    for (let i = 0; i < list.length; i += 2) {
      const value = list[i + 1];
      if (value !== undefined) res.appendHeader(list[i] as string, value as string | readonly string[]);
    }
    return;
  }
  for (const [name, value] of Object.entries(headers as Readonly<Record<string, unknown>>)) {
    if (value !== undefined) res.setHeader(name, value as string | number | readonly string[]);
  }
}

/**
 * Every way a Node response starts goes through `res.writeHead`: an explicit call, and the implicit
 * one made by the first `write()`/`end()` (Express's `res.send`, Koa's final write). Patching the
 * instance (not the prototype) confines the change to this request; the original is restored on
 * first use. A callback that throws is the caller's concern: wrap it (core's runResponseHooks does).
 */
export function beforeWriteHead(res: NodeResponseLike, callback: () => void): void {
  const original = res.writeHead;
  const patched = function (this: unknown, statusCode: number, ...rest: unknown[]): unknown {
    res.writeHead = original;
    let forwarded: unknown[] = [statusCode, ...rest];
    if (!res.headersSent) {
      try {
        const reason = typeof rest[0] === 'string' ? rest[0] : undefined;
        adoptHeaders(res, (reason === undefined ? rest[0] : rest[1]) as HeadersArgument);
        res.statusCode = statusCode;
        callback();
        forwarded = reason === undefined ? [statusCode] : [statusCode, reason];
      } catch {
        // Adopting the headers failed (an invalid name or value): forward the call untouched so
        // that Node raises its own error to the caller, exactly as it would without Portcullis.
      }
    }
    return (original as unknown as (...args: unknown[]) => unknown).apply(this, forwarded);
  };
  res.writeHead = patched as unknown as NodeResponseLike['writeHead'];
}
