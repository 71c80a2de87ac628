/** A real HTTP server on port 0 with the media-streams endpoint, and a signed Twilio client for it. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MediaStreamLogger } from '../../media-streams/logger.js';
import { attachMediaStreamServer, type MediaStreamServer, type MediaStreamServerOptions } from '../../media-streams/server.js';
import type { MediaStreamSession } from '../../media-streams/session.js';
import { TwilioMediaClient, type TwilioMediaClientOptions } from '../fakes/twilio-media.js';

export const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
export const PUBLIC_URL = 'https://frontdesk.example';
export const SIGNED_URL = 'wss://frontdesk.example/media-streams';
export const CALL_TOKEN = 'good-token';

export interface LogLine {
  level: string;
  fields: object;
  message: string;
}

export class Harness {
  readonly sessions: MediaStreamSession[] = [];
  readonly logs: LogLine[] = [];
  readonly clients: TwilioMediaClient[] = [];
  readonly logger: MediaStreamLogger = {
    debug: (fields, message) => this.logs.push({ level: 'debug', fields, message }),
    info: (fields, message) => this.logs.push({ level: 'info', fields, message }),
    warn: (fields, message) => this.logs.push({ level: 'warn', fields, message }),
    error: (fields, message) => this.logs.push({ level: 'error', fields, message }),
  };
  #sessionWaiters: (() => void)[] = [];
  /** Runs inside the server's `onSession`, before any held message is replayed. */
  onSession: ((session: MediaStreamSession) => void) | undefined;

  private constructor(
    readonly http: Server,
    readonly port: number,
    public mediaStreams: MediaStreamServer,
  ) {}

  static async start(overrides: Partial<MediaStreamServerOptions> = {}): Promise<Harness> {
    const http = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const harness = new Harness(http, (http.address() as AddressInfo).port, undefined as never);
    harness.mediaStreams = attachMediaStreamServer(http, {
      publicUrl: PUBLIC_URL,
      authToken: AUTH_TOKEN,
      authorizeStart: (start) => start.customParameters.callToken === CALL_TOKEN,
      onSession: (session) => {
        harness.sessions.push(session);
        harness.onSession?.(session);
        for (const wake of harness.#sessionWaiters.splice(0)) wake();
      },
      logger: harness.logger,
      ...overrides,
    });
    return harness;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/media-streams`;
  }

  async connect(options: Partial<TwilioMediaClientOptions> = {}): Promise<TwilioMediaClient> {
    const client = await TwilioMediaClient.connect({ url: this.url, signedUrl: SIGNED_URL, authToken: AUTH_TOKEN, ...options });
    this.clients.push(client);
    return client;
  }

  /** A started, authorised call: the client and the server's session for it. */
  async call(options: Partial<TwilioMediaClientOptions> = {}): Promise<{ client: TwilioMediaClient; session: MediaStreamSession }> {
    const client = await this.connect(options);
    client.start({ callToken: CALL_TOKEN });
    const session = await this.nextSession(client.callSid);
    return { client, session };
  }

  async nextSession(callSid: string, timeoutMs = 2000): Promise<MediaStreamSession> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.sessions.find((session) => session.callSid === callSid);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('no session opened');
      await new Promise<void>((resolve) => {
        this.#sessionWaiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.close();
    await this.mediaStreams.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

export async function eventually(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
