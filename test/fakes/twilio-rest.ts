import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake of the Twilio REST endpoints Frontdesk uses (PROTOCOLS.md "REST"), over plain HTTP on
 * 127.0.0.1, for the real `twilio` SDK pointed at it through a rewriting `httpClient`:
 *
 * - `POST /2010-04-01/Accounts/{AC}/Messages.json` (form-encoded, Basic auth `AC…:token`) answers
 *   201 with a message resource whose status is `queued`;
 * - `GET  /2010-04-01/Accounts/{AC}/Messages.json?To=…&From=…` lists what was accepted, newest first
 *   (how a sender checks whether an attempt of unknown outcome went through);
 * - `POST /2010-04-01/Accounts/{AC}/Calls/{CA}.json` updates a live call; an ended or unknown call
 *   answers 404 (Twilio error 20404), which callers read as "already ended".
 *
 * Every request is recorded. Scripted faults (`failNext`) answer the next matching requests with
 * Twilio's error JSON (`{code, message, more_info, status}`), delay them, or never answer them.
 */

export interface RecordedTwilioRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Form parameters as sent. */
  form: Record<string, string>;
  /** The Basic auth user (the account SID), or undefined when the header was missing or not Basic. */
  username: string | undefined;
  password: string | undefined;
}

export interface FakeMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string | undefined;
  body: string | undefined;
  contentSid: string | undefined;
  contentVariables: string | undefined;
  statusCallback: string | undefined;
  dateCreated: Date;
}

export interface FakeCall {
  sid: string;
  status: 'in-progress' | 'completed';
  /** Every TwiML document posted to the call, in order. */
  twiml: string[];
}

/** What a scripted fault does to the request it matches. */
export type TwilioFault =
  /** Twilio's error body with this code and HTTP status (400 unless given). */
  | { kind: 'error'; code: number; status?: number; message?: string }
  /** An HTTP 500 with Twilio's error body (code 20500). */
  | { kind: 'server-error' }
  /** Accept the request (the message is created) but never answer it: the caller cannot tell. */
  | { kind: 'hang-after-accept' }
  /** Never answer and create nothing. */
  | { kind: 'hang' };

export interface FaultRule {
  /** Which requests: `messages` (create), `list` (messages list), `calls` (update); default any. */
  on?: 'messages' | 'list' | 'calls';
  fault: TwilioFault;
  /** How many matching requests it applies to; default 1. */
  times?: number;
}

export interface FakeTwilioRest {
  /** `http://127.0.0.1:<port>`: use as TWILIO_API_URL. */
  url: string;
  accountSid: string;
  authToken: string;
  requests: RecordedTwilioRequest[];
  /** Messages accepted, oldest first. */
  messages: FakeMessage[];
  calls: Map<string, FakeCall>;
  /** Adds a live call that can be updated. */
  addCall(sid: string): FakeCall;
  failNext(rule: FaultRule): void;
  /** Delay added before every answer, in ms. */
  latencyMs: number;
  close(): Promise<void>;
}

const MESSAGES = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/;
const CALL = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Calls\/(CA[0-9a-f]{32})\.json$/;

export function newSid(prefix: 'AC' | 'SM' | 'CA'): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

export async function startFakeTwilioRest(options: { accountSid?: string; authToken?: string } = {}): Promise<FakeTwilioRest> {
  const accountSid = options.accountSid ?? newSid('AC');
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const rules: (FaultRule & { left: number })[] = [];
  const hanging = new Set<ServerResponse>();

  const fake: FakeTwilioRest = {
    url: '',
    accountSid,
    authToken,
    requests: [],
    messages: [],
    calls: new Map(),
    latencyMs: 0,
    addCall(sid) {
      const call: FakeCall = { sid, status: 'in-progress', twiml: [] };
      fake.calls.set(sid, call);
      return call;
    },
    failNext(rule) {
      rules.push({ ...rule, left: rule.times ?? 1 });
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function takeFault(target: 'messages' | 'list' | 'calls'): TwilioFault | undefined {
    const rule = rules.find((candidate) => candidate.left > 0 && (candidate.on === undefined || candidate.on === target));
    if (!rule) return undefined;
    rule.left -= 1;
    return rule.fault;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const recorded = await record(request, url);
    fake.requests.push(recorded);
    if (fake.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fake.latencyMs));

    const messages = MESSAGES.exec(url.pathname);
    const call = CALL.exec(url.pathname);
    const account = messages?.[1] ?? call?.[1];
    if (!account) return sendError(response, 404, 20404, 'The requested resource was not found');
    if (account !== accountSid || recorded.username !== accountSid || recorded.password !== authToken) {
      return sendError(response, 401, 20003, 'Authenticate');
    }
    if (messages && request.method === 'GET') return listMessages(response, recorded);
    if (messages && request.method === 'POST') return createMessage(response, recorded);
    if (call && request.method === 'POST') return updateCall(response, call[2]!, recorded);
    return sendError(response, 405, 20004, 'Method not allowed');
  }

  function applyFault(fault: TwilioFault | undefined, response: ServerResponse): boolean {
    if (!fault) return false;
    if (fault.kind === 'error') {
      sendError(response, fault.status ?? 400, fault.code, fault.message ?? `Scripted error ${fault.code}`);
    } else if (fault.kind === 'server-error') {
      sendError(response, 500, 20500, 'Internal Server Error');
    } else {
      hanging.add(response);
      response.on('close', () => hanging.delete(response));
    }
    return true;
  }

  function createMessage(response: ServerResponse, recorded: RecordedTwilioRequest): void {
    const fault = takeFault('messages');
    if (fault?.kind !== 'hang-after-accept' && applyFault(fault, response)) return;
    const { To: to, From: from, Body: body, ContentSid: contentSid, MessagingServiceSid: service } = recorded.form;
    if (!to) return sendError(response, 400, 21604, "A 'To' phone number is required.");
    if (!from && !service) return sendError(response, 400, 21603, "A 'From' phone number is required.");
    if (!body && !contentSid) return sendError(response, 400, 21602, 'Message body is required.');
    const message: FakeMessage = {
      sid: newSid('SM'),
      accountSid,
      to,
      from,
      body,
      contentSid,
      contentVariables: recorded.form.ContentVariables,
      statusCallback: recorded.form.StatusCallback,
      dateCreated: new Date(),
    };
    fake.messages.push(message);
    if (fault) {
      applyFault(fault, response);
      return;
    }
    sendJson(response, 201, messageResource(message));
  }

  function listMessages(response: ServerResponse, recorded: RecordedTwilioRequest): void {
    if (applyFault(takeFault('list'), response)) return;
    const { To: to, From: from } = recorded.query;
    const found = fake.messages
      .filter((message) => (to === undefined || message.to === to) && (from === undefined || message.from === from))
      .reverse();
    sendJson(response, 200, {
      messages: found.map(messageResource),
      first_page_uri: recorded.path,
      next_page_uri: null,
      previous_page_uri: null,
      page: 0,
      page_size: 50,
      uri: recorded.path,
      start: 0,
      end: Math.max(0, found.length - 1),
    });
  }

  function updateCall(response: ServerResponse, sid: string, recorded: RecordedTwilioRequest): void {
    if (applyFault(takeFault('calls'), response)) return;
    const call = fake.calls.get(sid);
    if (!call || call.status === 'completed') {
      return sendError(response, 404, 20404, `The requested resource /2010-04-01/Accounts/${accountSid}/Calls/${sid}.json was not found`);
    }
    if (recorded.form.Twiml) call.twiml.push(recorded.form.Twiml);
    if (recorded.form.Status === 'completed') call.status = 'completed';
    sendJson(response, 200, {
      sid,
      account_sid: accountSid,
      status: call.status,
      uri: `/2010-04-01/Accounts/${accountSid}/Calls/${sid}.json`,
    });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, 500, 20500, (error as Error).message);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

function messageResource(message: FakeMessage): Record<string, unknown> {
  const date = message.dateCreated.toUTCString();
  return {
    sid: message.sid,
    account_sid: message.accountSid,
    to: message.to,
    from: message.from ?? null,
    body: message.body ?? '',
    status: 'queued',
    num_segments: '1',
    direction: 'outbound-api',
    date_created: date,
    date_updated: date,
    date_sent: null,
    error_code: null,
    error_message: null,
    uri: `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}.json`,
  };
}

async function record(request: IncomingMessage, url: URL): Promise<RecordedTwilioRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const [scheme, credentials] = (request.headers.authorization ?? '').split(' ');
  const decoded = scheme === 'Basic' && credentials ? Buffer.from(credentials, 'base64').toString() : undefined;
  const separator = decoded?.indexOf(':') ?? -1;
  return {
    method: request.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    form: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString())),
    username: decoded && separator >= 0 ? decoded.slice(0, separator) : undefined,
    password: decoded && separator >= 0 ? decoded.slice(separator + 1) : undefined,
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** Twilio's REST error body: https://www.twilio.com/docs/usage/twilios-response#response-formats-exceptions */
function sendError(response: ServerResponse, status: number, code: number, message: string): void {
  sendJson(response, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}
