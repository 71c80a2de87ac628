import { z } from 'zod';
import { formatIssues } from './format-issues.js';

/**
 * The process environment, validated once at start. Names are a contract with operators and
 * tests (see docs/architecture.md); every optional vendor key selects the real vendor when
 * present and its local stand-in when absent.
 */
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const optionalUrl = (what: string) =>
  optionalText.pipe(z.url({ message: `expected a URL for ${what}` }).optional());

const port = z.coerce.number().int().min(0).max(65535);

export const envSchema = z
  .object({
    PORT: port.default(3000),
    PUBLIC_URL: optionalUrl('the public https origin Twilio calls'),
    DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/frontdesk'),
    REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
    BUSINESS_CONFIG: z.string().min(1).default('config/businesses'),
    DATA_DIR: z.string().min(1).default('.data'),
    ADMIN_PASSWORD: optionalText,
    METRICS_TOKEN: optionalText,
    MAX_CALLS: z.coerce.number().int().positive().default(100),
    TWILIO_ACCOUNT_SID: optionalText.pipe(
      z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'expected AC followed by 32 hex digits').optional(),
    ),
    TWILIO_AUTH_TOKEN: optionalText,
    TWILIO_API_URL: optionalUrl('the Twilio REST origin'),
    /** The admin softphone over Twilio's Voice SDK: an API key (SK…), its secret and a TwiML App (AP…). */
    TWILIO_API_KEY: optionalText.pipe(
      z.string().regex(/^SK[0-9a-fA-F]{32}$/, 'expected SK followed by 32 hex digits (a Twilio API key sid)').optional(),
    ),
    TWILIO_API_SECRET: optionalText,
    TWILIO_TWIML_APP_SID: optionalText.pipe(
      z.string().regex(/^AP[0-9a-fA-F]{32}$/, 'expected AP followed by 32 hex digits (a TwiML App sid)').optional(),
    ),
    DEEPGRAM_API_KEY: optionalText,
    DEEPGRAM_URL: optionalUrl('the Deepgram origin'),
    OPENAI_API_KEY: optionalText,
    OPENAI_BASE_URL: optionalUrl('the OpenAI API base (including /v1)'),
    OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
    ELEVENLABS_API_KEY: optionalText,
    ELEVENLABS_BASE_URL: optionalUrl('the ElevenLabs origin'),
    ELEVENLABS_VOICE_ID: z.string().min(1).default('21m00Tcm4TlvDq8ikWAM'),
    GOOGLE_CALENDAR_CREDENTIALS: optionalText,
    GOOGLE_API_URL: optionalUrl('the Google APIs origin'),
    GOOGLE_TOKEN_URL: optionalUrl('the Google OAuth token origin'),
    SMTP_URL: optionalText.pipe(
      z
        .string()
        .regex(/^smtps?:\/\//, 'expected smtp://user:pass@host:587 or smtps://…:465')
        .optional(),
    ),
    MAIL_FROM: z.string().min(3).default('Frontdesk <frontdesk@localhost>'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .transform((env) => ({ ...env, PUBLIC_URL: env.PUBLIC_URL?.replace(/\/+$/, '') }));

export type Env = z.infer<typeof envSchema>;

/** Names of every variable the service reads; the Docker compose test checks against this. */
export const envNames = Object.keys(envSchema.in.shape) as (keyof z.input<typeof envSchema>)[];

export class EnvError extends Error {
  override name = 'EnvError';
}

/**
 * The origin Twilio calls, which signatures are computed over. Without PUBLIC_URL we assume
 * direct local use on the port actually bound (tests bind port 0).
 */
export function publicUrlFor(env: Pick<Env, 'PUBLIC_URL'>, boundPort: number): string {
  return env.PUBLIC_URL ?? `http://localhost:${boundPort}`;
}

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Readonly<Env> {
  const picked = Object.fromEntries(envNames.map((name) => [name, source[name]]));
  const result = envSchema.safeParse(picked);
  if (!result.success) {
    throw new EnvError(`invalid environment:\n${formatIssues(result.error.issues, 'env')}`);
  }
  return Object.freeze(result.data);
}
