import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake OpenAI server speaking Chat Completions (`POST /v1/chat/completions`), plain and
 * streamed (SSE: `data: {chunk}` lines ending `data: [DONE]`), for the real `openai` SDK with
 * `baseURL` pointed here. Answers are scripted per test; switches inject latency, HTTP errors
 * and hangs.
 */

/** What the next completion says: message text, or a tool call with JSON arguments. */
export type ScriptedAnswer = { content: string } | { toolCall: { name: string; arguments: string } };

export interface RecordedChatRequest {
  authorization: string | undefined;
  body: {
    model?: string;
    stream?: boolean;
    messages?: { role: string; content: unknown }[];
    response_format?: unknown;
    tools?: unknown;
  };
}

export interface FakeOpenAI {
  /** Base URL for the SDK, including `/v1`. */
  readonly url: string;
  readonly requests: readonly RecordedChatRequest[];
  /** Answers to give, in order; when none is left, `fallback` answers. */
  script(...answers: ScriptedAnswer[]): void;
  fallback: ScriptedAnswer;
  /** Delay before answering (and, when streaming, between chunks), in ms. */
  latencyMs: number;
  /** The next `count` requests fail with this HTTP status and OpenAI's error body. */
  failNext(count: number, status: number): void;
  /** The next `count` requests are never answered. */
  hangNext(count: number): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readJson(req: IncomingMessage): Promise<RecordedChatRequest['body']> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as RecordedChatRequest['body']) : {};
}

function completion(id: string, model: string, answer: ScriptedAnswer) {
  const message =
    'content' in answer
      ? { role: 'assistant', content: answer.content, refusal: null }
      : {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [{ id: `call_${id}`, type: 'function', function: answer.toolCall }],
        };
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: 'content' in answer ? 'stop' : 'tool_calls' }],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  };
}

/** The answer cut into the deltas a real stream sends: role first, then fragments, then the finish. */
function chunks(id: string, model: string, answer: ScriptedAnswer): unknown[] {
  const base = { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model };
  const pieces = (text: string) => text.match(/.{1,8}/gs) ?? [''];
  const deltas: unknown[] = [{ role: 'assistant', content: 'content' in answer ? '' : null }];
  if ('content' in answer) {
    for (const piece of pieces(answer.content)) deltas.push({ content: piece });
  } else {
    deltas.push({
      tool_calls: [{ index: 0, id: `call_${id}`, type: 'function', function: { name: answer.toolCall.name, arguments: '' } }],
    });
    for (const piece of pieces(answer.toolCall.arguments)) {
      deltas.push({ tool_calls: [{ index: 0, function: { arguments: piece } }] });
    }
  }
  const finish = 'content' in answer ? 'stop' : 'tool_calls';
  return [
    ...deltas.map((delta) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: null }] })),
    { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: finish }] },
  ];
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const requests: RecordedChatRequest[] = [];
  const queue: ScriptedAnswer[] = [];
  const hanging = new Set<ServerResponse>();
  let failures = { count: 0, status: 500 };
  let hangs = 0;
  let counter = 0;

  const fake = {
    url: '',
    requests,
    fallback: { content: '{}' } as ScriptedAnswer,
    latencyMs: 0,
    script: (...answers: ScriptedAnswer[]) => queue.push(...answers),
    failNext: (count: number, status: number) => {
      failures = { count, status };
    },
    hangNext: (count: number) => {
      hangs = count;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } }));
      return;
    }
    const body = await readJson(req);
    requests.push({ authorization: req.headers.authorization, body });
    if (hangs > 0) {
      hangs -= 1;
      hanging.add(res);
      return;
    }
    await sleep(fake.latencyMs);
    if (failures.count > 0) {
      failures.count -= 1;
      res.writeHead(failures.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'injected failure', type: 'server_error', code: null } }));
      return;
    }
    if (!req.headers.authorization?.startsWith('Bearer ')) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'missing API key', type: 'invalid_request_error' } }));
      return;
    }
    counter += 1;
    const id = `chatcmpl-fake${counter}`;
    const model = body.model ?? 'gpt-4o-mini';
    const answer = queue.shift() ?? fake.fallback;
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(completion(id, model, answer)));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const chunk of chunks(id, model, answer)) {
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      if (fake.latencyMs) await sleep(fake.latencyMs);
    }
    res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return fake;
}
