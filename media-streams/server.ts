/**
 * The `/media-streams` websocket endpoint, attached to the app's existing HTTP server.
 *
 * Order of checks, cheapest and most important first:
 * 1. On the HTTP upgrade, before any websocket exists: `X-Twilio-Signature` over the exact public
 *    `wss://…/media-streams` URL with empty params. A bad or missing one gets `403` and the socket
 *    is destroyed, so an attacker never gets a websocket to talk to.
 *    Only when the header is absent, `authorizeUnsignedUpgrade` (if given) may admit the upgrade
 *    instead: browsers cannot set headers on a websocket, so the admin's softphone carries a
 *    one-time token in the query. A present but wrong signature is always refused.
 * 2. Admission (at most so many concurrent streams): `503`; Twilio then runs the TwiML after
 *    `<Connect>` (the fallback), which beats degrading every call.
 * 3. On `start`: the caller's `authorizeStart` checks the per-call token from the TwiML
 *    `<Parameter>`s. Refused → the websocket is closed and the app never sees the stream.
 * https://www.twilio.com/docs/usage/webhooks/webhooks-security
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import twilio from 'twilio';
import { WebSocketServer, type WebSocket } from 'ws';
import { FrameClock } from './frame-clock.js';
import type { MediaStreamLogger } from './logger.js';
import { StreamConnection, type StreamConnectionOptions } from './stream-connection.js';
import type { MediaStreamSession, MediaStreamSessionOptions, StreamStart } from './session.js';

export const MEDIA_STREAMS_PATH = '/media-streams';

export interface MediaStreamServerOptions {
  /** The https origin Twilio calls (`PUBLIC_URL`); the signed URL is its `wss://` twin + path. */
  publicUrl: string;
  /** `TWILIO_AUTH_TOKEN`, the key of the upgrade signature. */
  authToken: string;
  /** Checks the per-call token in `start.customParameters`. False or a throw closes the stream. */
  authorizeStart: (start: StreamStart) => Promise<boolean> | boolean;
  /**
   * Consulted only for an upgrade without `X-Twilio-Signature`, with the request's path and
   * query (e.g. `/media-streams?softphone=…`). True admits it to the usual `start` check (the
   * per-call token still applies); false or a throw refuses it with 403. Default: refuse.
   */
  authorizeUnsignedUpgrade?: (requestUrl: string) => Promise<boolean> | boolean;
  /** Receives each authorised stream, after `start`. */
  onSession: (session: MediaStreamSession) => void;
  /** Admission: false refuses a new stream with 503. Default: admit everything. */
  admit?: (openStreams: number) => boolean;
  logger: MediaStreamLogger;
  /** Default `/media-streams`. Other paths are left to other upgrade listeners. */
  path?: string;
  /** Shared by every stream of this server. Default: a new clock for this server. */
  clock?: FrameClock;
  /** A stream without `start` this long after the upgrade is closed. Default 5000 ms. */
  startTimeoutMs?: number;
  /** Largest inbound message accepted. Default 64 KiB (a media message is under 1 KiB). */
  maxMessageBytes?: number;
  session?: Omit<MediaStreamSessionOptions, 'clock' | 'logger'>;
}

export interface MediaStreamServer {
  /** Websockets open on this server, started or not. */
  readonly openStreams: number;
  readonly clock: FrameClock;
  /** Closes every stream (code 1001) and stops listening for upgrades. */
  close(): Promise<void>;
}

export function attachMediaStreamServer(httpServer: Server, options: MediaStreamServerOptions): MediaStreamServer {
  const path = options.path ?? MEDIA_STREAMS_PATH;
  const clock = options.clock ?? new FrameClock({
    onListenerError: (error) => options.logger.error({ err: error }, 'media stream pacer failed'),
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? 64 * 1024 });
  const connections = new Set<StreamConnection>();
  const connectionOptions: StreamConnectionOptions = {
    authorizeStart: options.authorizeStart,
    onSession: options.onSession,
    logger: options.logger,
    startTimeoutMs: options.startTimeoutMs ?? 5000,
    session: { ...options.session, clock, logger: options.logger },
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (requestPath(req) !== path) return;
    socket.on('error', (error) => options.logger.debug({ err: error }, 'media stream upgrade socket error'));
    const signature = req.headers['x-twilio-signature'];
    if (signature === undefined && options.authorizeUnsignedUpgrade) {
      void authorizeUnsigned(req, socket, head);
      return;
    }
    const url = signedUrl(options.publicUrl, req.url ?? path);
    if (typeof signature !== 'string' || !twilio.validateRequest(options.authToken, signature, url, {})) {
      options.logger.warn({ path }, 'media stream upgrade refused: bad signature');
      refuse(socket, 403, 'Forbidden');
      return;
    }
    accept(req, socket, head);
  };

  const authorizeUnsigned = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    let allowed = false;
    try {
      allowed = (await options.authorizeUnsignedUpgrade?.(req.url ?? path)) === true;
    } catch (error) {
      options.logger.error({ err: error, path }, 'media stream unsigned upgrade check failed');
    }
    if (!allowed) {
      options.logger.warn({ path }, 'media stream upgrade refused: no signature and no valid upgrade token');
      refuse(socket, 403, 'Forbidden');
      return;
    }
    accept(req, socket, head);
  };

  const accept = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (options.admit && !options.admit(connections.size)) {
      options.logger.warn({ openStreams: connections.size }, 'media stream upgrade refused: at capacity');
      refuse(socket, 503, 'Service Unavailable');
      return;
    }
    // The socket may have gone while an unsigned upgrade was being checked.
    if (socket.destroyed) return;
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const connection = new StreamConnection(ws, connectionOptions);
      connections.add(connection);
      ws.once('close', () => connections.delete(connection));
    });
  };
  httpServer.on('upgrade', onUpgrade);

  return {
    get openStreams() {
      return connections.size;
    },
    clock,
    async close() {
      httpServer.off('upgrade', onUpgrade);
      await Promise.all([...connections].map((connection) => connection.close(1001, 'server shutting down')));
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** The URL Twilio signed: the public origin with ws(s) for http(s), plus the path it asked for. */
export function signedUrl(publicUrl: string, requestUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}${requestUrl}`;
}

function requestPath(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** Answers the upgrade with a plain HTTP status and drops the connection. */
function refuse(socket: Duplex, status: number, text: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}
