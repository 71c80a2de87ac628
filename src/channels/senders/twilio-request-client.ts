import twilio from 'twilio';

type RequestOptions<TData> = Parameters<twilio.RequestClient['request']>[0] & { data?: TData };

/**
 * The Twilio SDK has no base-URL option (PROTOCOLS.md "REST"): this `httpClient` rewrites the
 * scheme and host of every request to `origin` (TWILIO_API_URL), keeping path and query, so the
 * real SDK code path runs against a fake in tests or a proxy in production.
 */
export class OriginRewritingRequestClient extends twilio.RequestClient {
  private readonly origin: URL;

  constructor(origin: string, options: ConstructorParameters<typeof twilio.RequestClient>[0] = {}) {
    super(options);
    this.origin = new URL(origin);
  }

  override request<TData>(opts: RequestOptions<TData>) {
    const target = new URL(opts.uri);
    target.protocol = this.origin.protocol;
    target.host = this.origin.host;
    return super.request<TData>({ ...opts, uri: target.toString() });
  }
}
