import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { YAMLError } from 'yaml';
import { businessSchema } from './business-schema.js';
import type { Business } from './business-schema.js';
import { formatIssues } from './format-issues.js';

/**
 * Every problem found in the business files, one per line as `<file>: <where>: <what is
 * expected>`, so an owner can fix them all in one pass. The service refuses to start with any.
 */
export class BusinessConfigError extends Error {
  override name = 'BusinessConfigError';

  constructor(readonly problems: readonly string[]) {
    super(`invalid business configuration:\n${problems.join('\n')}`);
  }
}

const businessFileExtensions = ['.yaml', '.yml', '.json'];

/**
 * Reads, validates and freezes the business files at `path`: one file, or every *.yaml, *.yml
 * and *.json file directly inside a folder, in name order. Throws BusinessConfigError listing
 * every problem, including the ones only visible across files (a business id or phone number
 * used twice).
 */
export function loadBusinesses(path: string): Business[] {
  const files = businessFilesAt(path);
  const problems: string[] = [];
  const loaded: LoadedBusiness[] = [];
  for (const file of files) {
    const result = readBusinessFile(file);
    if ('problems' in result) problems.push(...result.problems);
    else loaded.push(result);
  }
  problems.push(...conflictsBetweenFiles(loaded));
  if (problems.length > 0) throw new BusinessConfigError(problems);
  return loaded.map(({ business }) => deepFreeze(business));
}

interface LoadedBusiness {
  file: string;
  business: Business;
}

function businessFilesAt(path: string): string[] {
  const expected = `expected a business file (${businessFileExtensions.map((ext) => `*${ext}`).join(', ')}) or a folder of them`;
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw new BusinessConfigError([`${path}: not found; ${expected}`]);
  }
  if (!isFolder) return [path];
  const files = readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.isFile() && businessFileExtensions.includes(extname(entry.name).toLowerCase()))
    .map((entry) => entry.name)
    .sort()
    .map((name) => join(path, name));
  if (files.length === 0) throw new BusinessConfigError([`${path}: no business files in this folder; ${expected}`]);
  return files;
}

function readBusinessFile(file: string): LoadedBusiness | { problems: string[] } {
  const parsed = extname(file).toLowerCase() === '.json' ? parseJson(file) : parseYaml(file);
  if ('problems' in parsed) return parsed;
  if (parsed.content === null || parsed.content === undefined) {
    return {
      problems: [
        `${file}: the file is empty; expected a business with id, name, phoneNumbers, timeZone, address, weeklyHours, services, staff and greeting`,
      ],
    };
  }
  // reportInput keeps the offending value on each issue, so messages can quote it back.
  const result = businessSchema.safeParse(parsed.content, { reportInput: true });
  if (!result.success) return { problems: formatIssues(result.error.issues, file).split('\n') };
  return { file, business: result.data };
}

function readText(file: string): string | { problems: string[] } {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    return { problems: [`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`] };
  }
}

function parseYaml(file: string): { content: unknown } | { problems: string[] } {
  const text = readText(file);
  if (typeof text !== 'string') return text;
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    // yaml often reports one slip twice at the same spot; the first wording is the clearer one.
    const positions = new Set<number>();
    const problems = document.errors.flatMap((error) => {
      if (positions.has(error.pos[0])) return [];
      positions.add(error.pos[0]);
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return [`${file}: line ${line}, column ${col}: YAML syntax error: ${explainYamlError(error, text)}`];
    });
    return { problems };
  }
  return { content: document.toJS() };
}

/** Indentation slips surface as these, with messages that do not say "indentation". */
const indentationErrors = new Set(['BAD_INDENT', 'BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY']);

function explainYamlError(error: YAMLError, text: string): string {
  if (error.code === 'DUPLICATE_KEY') return `key "${keyAt(text, error.pos[0])}" appears twice in the same mapping`;
  if (indentationErrors.has(error.code)) return `${error.message}; check the indentation here and on the lines below`;
  return error.message;
}

/** The mapping key written at `offset` (yaml's duplicate-key error points only at its start). */
function keyAt(text: string, offset: number): string {
  return /^["']?([^"':\n]*)/.exec(text.slice(offset))?.[1]?.trim() ?? '';
}

function parseJson(file: string): { content: unknown } | { problems: string[] } {
  const text = readText(file);
  if (typeof text !== 'string') return text;
  try {
    return { content: JSON.parse(text) };
  } catch (error) {
    // V8's message carries the position ("… in JSON at position 80 (line 4 column 3)").
    return { problems: [`${file}: JSON syntax error: ${(error as Error).message}`] };
  }
}

/**
 * A business id names one business, and a number (voice, SMS or WhatsApp) routes to one
 * business: otherwise which business answers would depend on the order files are read.
 */
function conflictsBetweenFiles(loaded: readonly LoadedBusiness[]): string[] {
  const problems: string[] = [];
  const fileById = new Map<string, string>();
  const ownerByNumber = new Map<string, LoadedBusiness>();
  for (const entry of loaded) {
    const { file, business } = entry;
    const firstFile = fileById.get(business.id);
    if (firstFile === undefined) fileById.set(business.id, file);
    else problems.push(`${file}: id: business id "${business.id}" is already used by ${firstFile}`);
    for (const { number, path } of routingNumbers(business)) {
      const owner = ownerByNumber.get(number);
      if (owner === undefined) ownerByNumber.set(number, entry);
      else if (owner !== entry) {
        problems.push(
          `${file}: ${path}: ${number} already routes to "${owner.business.id}" in ${owner.file}; a number may route to only one business`,
        );
      }
    }
  }
  return problems;
}

function routingNumbers(business: Business): { number: string; path: string }[] {
  const numbers = business.phoneNumbers.map((number, index) => ({ number, path: `phoneNumbers[${index}]` }));
  const { smsFrom, whatsappFrom } = business.messaging;
  if (smsFrom) numbers.push({ number: smsFrom, path: 'messaging.smsFrom' });
  if (whatsappFrom) numbers.push({ number: whatsappFrom, path: 'messaging.whatsappFrom' });
  return numbers;
}

/** Config is read once at start; freezing it turns an accidental write into an error. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
