import { Agent, fetch as undiciFetch } from 'undici';

/**
 * How long a connection to a vendor may stay idle before we close it. Node's own `fetch` closes
 * an idle connection after 4 s, less than the time between two turns of a call (the reply plays,
 * then the caller answers), so each turn's speech and model requests opened a new TCP and TLS
 * connection: a handshake of two or more round trips to ElevenLabs or OpenAI in front of every
 * reply. A vendor that closes idle connections sooner still does; undici honours its
 * `Keep-Alive: timeout` hint.
 */
export const VENDOR_IDLE_CONNECTION_MS = 60_000;

/**
 * A `fetch` for a vendor SDK's `fetch` option, with a connection pool of its own that keeps idle
 * connections for `idleMs`. Idle connections do not keep the process alive.
 */
export function keepAliveFetch(idleMs: number = VENDOR_IDLE_CONNECTION_MS): typeof fetch {
  const pool = new Agent({ keepAliveTimeout: idleMs, keepAliveMaxTimeout: idleMs });
  // The SDKs call it with a URL string and a plain RequestInit; undici's types name the same
  // shapes separately from the DOM's.
  return ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher: pool })) as unknown as typeof fetch;
}
