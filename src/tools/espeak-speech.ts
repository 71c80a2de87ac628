import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Real speech for the call simulator: espeak-ng says the text (US English, 160 words a minute)
 * into a WAV file, and sox turns it into what Twilio carries: 8 kHz mono G.711 mu-law, no
 * header. Both come from Debian (`apt-get install espeak-ng sox`; `.ci/run` installs them).
 */
export async function espeakMulaw(text: string): Promise<Buffer> {
  const folder = await mkdtemp(join(tmpdir(), 'frontdesk-call-'));
  try {
    const wav = join(folder, 'say.wav');
    await run('espeak-ng', ['-v', 'en-us', '-s', '160', '-w', wav, text]);
    const { stdout } = await run('sox', [wav, '-r', '8000', '-c', '1', '-e', 'mu-law', '-t', 'raw', '-'], {
      encoding: 'buffer',
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('espeak-ng and sox are needed to speak as the caller: apt-get install -y espeak-ng sox', { cause: error });
    }
    throw error;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
