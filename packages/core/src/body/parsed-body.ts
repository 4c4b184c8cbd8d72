/** The body as Portcullis read it, handed on to the handler so that what was validated is what runs. */
export type ParsedBody =
  /** The request had no body. */
  | { readonly kind: 'none' }
  /** A JSON body Portcullis read and parsed (prototype-pollution safe). */
  | { readonly kind: 'json'; readonly value: unknown; readonly raw: Uint8Array }
  /** An `application/x-www-form-urlencoded` body, as an object with a null prototype. */
  | { readonly kind: 'form'; readonly value: Readonly<Record<string, string | string[]>>; readonly raw: Uint8Array }
  /** A `text/*` (or `application/graphql`) body decoded as UTF-8. */
  | { readonly kind: 'text'; readonly value: string; readonly raw: Uint8Array }
  /** A body the framework had already parsed; Portcullis validated this very object. */
  | { readonly kind: 'framework'; readonly value: unknown }
  /** A media type Portcullis does not parse: the stream is left to the application. */
  | { readonly kind: 'unread'; readonly mediaType: string };
