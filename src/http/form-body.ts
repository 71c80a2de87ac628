import express, { type Request, type RequestHandler } from 'express';
import { HttpError } from './errors.js';

export interface FormBodyOptions {
  /** Largest body accepted, in bytes; larger ones get 413. */
  limitBytes: number;
  /** Most parameters accepted; more get 400. */
  parameterLimit: number;
}

/** The content types Twilio's form posts carry, lower-cased. */
const PLAIN_FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8']);

/**
 * Whether the request says it carries a form: `req.is('application/x-www-form-urlencoded')`, with
 * the two spellings Twilio sends answered by a set look-up instead of parsing the media type
 * (type-is was ~1 % of a webhook's JavaScript).
 */
export function isFormRequest(req: Request): boolean {
  const type = req.headers['content-type'];
  // As with type-is, a request without a body (no length, nothing chunked) carries no form.
  const hasBody = req.headers['transfer-encoding'] !== undefined || !Number.isNaN(Number(req.headers['content-length']));
  if (type !== undefined && hasBody && PLAIN_FORM_TYPES.has(type.toLowerCase())) return true;
  return Boolean(req.is('application/x-www-form-urlencoded'));
}

/**
 * The form body of a webhook as `req.body` (a parameter sent twice becomes an array, as with
 * `express.urlencoded`). A webhook as Twilio sends it — that form type, UTF-8, not compressed,
 * with its length — is read and parsed here directly: body-parser's general machinery (type
 * negotiation, charsets, inflation, its stream plumbing) was ~5 % of an SMS webhook's
 * JavaScript. Anything else goes to `express.urlencoded`, which answers it as before.
 */
export function formBody(options: FormBodyOptions): RequestHandler {
  const general = express.urlencoded({ extended: false, limit: options.limitBytes, parameterLimit: options.parameterLimit });
  return (req, res, next) => {
    const type = req.headers['content-type']?.toLowerCase();
    const length = Number(req.headers['content-length']);
    const plain =
      type !== undefined && PLAIN_FORM_TYPES.has(type) && req.headers['content-encoding'] === undefined && Number.isInteger(length) && length > 0;
    if (!plain) {
      general(req, res, next);
      return;
    }
    if (length > options.limitBytes) {
      next(new HttpError('payload_too_large', 'request body exceeds 64 KB; Twilio webhooks are far smaller'));
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      chunks.push(chunk);
    });
    req.once('error', next);
    req.once('end', () => {
      if (received !== length) {
        next(new HttpError('malformed_body', 'request body length does not match Content-Length'));
        return;
      }
      const text = Buffer.concat(chunks, received).toString('utf8');
      const body = parseForm(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, options.parameterLimit);
      if (!body) {
        next(new HttpError('malformed_body', 'request body has too many parameters'));
        return;
      }
      req.body = body;
      next();
    });
  };
}

/** `a=1&b=2` as `{ a: '1', b: '2' }`; undefined past `parameterLimit` parameters. */
function parseForm(text: string, parameterLimit: number): Record<string, string | string[]> | undefined {
  const body: Record<string, string | string[]> = {};
  let count = 0;
  for (const [key, value] of new URLSearchParams(text)) {
    count += 1;
    if (count > parameterLimit) return undefined;
    const earlier = Object.hasOwn(body, key) ? body[key] : undefined;
    if (Array.isArray(earlier)) earlier.push(value);
    // Defined, not assigned: a parameter named `__proto__` is a parameter, not the object's prototype.
    else Object.defineProperty(body, key, { value: earlier === undefined ? value : [earlier, value], enumerable: true, writable: true, configurable: true });
  }
  return body;
}
