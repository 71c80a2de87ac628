import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

/**
 * An SMTP sink for nodemailer (PROTOCOLS.md "SMTP"): `smtp-server` on 127.0.0.1 port 0, any or no
 * credentials accepted, STARTTLS disabled (nodemailer upgrades whenever it is offered). Every
 * message is kept with its envelope and raw RFC 5322 source; `header()` and `parts` are enough for
 * assertions without a MIME parser.
 */

export interface ReceivedMail {
  mailFrom: string | undefined;
  rcptTo: string[];
  /** The message as sent on the wire (CRLF line ends, dot-unstuffed). */
  raw: string;
  /** The first value of a top-level header, unfolded; undefined when absent. */
  header(name: string): string | undefined;
}

export interface FakeSmtp {
  /** `smtp://user:pass@127.0.0.1:<port>`: use as SMTP_URL. */
  url: string;
  mails: ReceivedMail[];
  /** Refuse the next `count` messages with a 451 (temporary) answer after DATA. */
  refuseNext(count?: number): void;
  close(): Promise<void>;
}

export async function startFakeSmtp(): Promise<FakeSmtp> {
  let refusals = 0;
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'test' });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refusals > 0) {
          refusals -= 1;
          const error = Object.assign(new Error('Try again later'), { responseCode: 451 });
          callback(error);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          rcptTo: session.envelope.rcptTo.map((address) => address.address),
          raw,
          header: (name) => headerOf(raw, name),
        });
        callback(null);
      });
    },
  });
  // A client killed mid-session resets its socket; smtp-server reports that as an 'error' event,
  // which without a listener would throw in the test process. A real server shrugs it off.
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://frontdesk:secret@127.0.0.1:${port}`,
    mails,
    refuseNext(count = 1) {
      refusals += count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function headerOf(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const wanted = name.toLowerCase();
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === wanted) return line.slice(colon + 1).trim();
  }
  return undefined;
}
