import { createHmac } from 'node:crypto';

export interface SignWebhookInput {
  readonly secret: string | Uint8Array;
  /** The body exactly as it will be sent (a string is sent as UTF-8). */
  readonly body: string | Uint8Array;
  /** Unix seconds. Default: now. `false`: sign the body alone (GitHub style, no timestamp). */
  readonly timestamp?: number | false;
  /** Default `sha256=`. */
  readonly prefix?: string;
}

export interface SignedWebhook {
  /** The signature header value, e.g. `sha256=5d41...`. */
  readonly signature: string;
  /** The timestamp header value (unix seconds), or undefined when signing the body alone. */
  readonly timestamp: string | undefined;
}

/** The HMAC-SHA256 a webhook guard expects, in hex: over `<timestamp>.<body>`, or the body alone. */
export function webhookMac(secret: Uint8Array | string, timestamp: string | undefined, body: Uint8Array): Buffer {
  const mac = createHmac('sha256', secret);
  if (timestamp !== undefined) mac.update(`${timestamp}.`);
  return mac.update(body).digest();
}

/** Signs a webhook delivery as `webhookSignature` verifies it (for senders and tests). */
export function signWebhook(input: SignWebhookInput): SignedWebhook {
  const secret = typeof input.secret === 'string' ? Buffer.from(input.secret, 'utf8') : input.secret;
  if (!(secret instanceof Uint8Array) || secret.byteLength === 0) throw new TypeError('signWebhook: the secret must be a non-empty string or Uint8Array');
  const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body;
  let timestamp: string | undefined;
  if (input.timestamp !== false) {
    const seconds = input.timestamp ?? Math.floor(Date.now() / 1000);
    if (!Number.isSafeInteger(seconds) || seconds < 0) throw new TypeError('signWebhook: timestamp must be whole unix seconds');
    timestamp = String(seconds);
  }
  return { signature: `${input.prefix ?? 'sha256='}${webhookMac(secret, timestamp, body).toString('hex')}`, timestamp };
}
