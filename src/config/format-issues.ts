import type { z } from 'zod';

/** Renders a zod path as an owner would read it: `services[2].durationMinutes`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => {
      if (typeof key === 'number') return `[${key}]`;
      return index === 0 ? String(key) : `.${String(key)}`;
    })
    .join('');
}

/**
 * zod's own English messages. Anything else was written by a schema for the person editing the
 * file and is shown as is; zod's are replaced by the wording below.
 */
const zodDefaultMessage = /^(Invalid|Too small|Too big|Unrecognized key)/;

function describeBound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, word: string): string {
  const inclusive = issue.inclusive ?? true;
  const comparator = issue.code === 'too_small' ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
  const bound = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  if (issue.origin === 'string') return `expected text of length ${comparator} ${bound}`;
  if (issue.origin === 'array' || issue.origin === 'set') return `expected a list with ${comparator} ${bound} entries`;
  return `expected ${word} ${comparator} ${bound}`;
}

/** One issue as `expected …`, the message an owner editing the file can act on. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  if (!zodDefaultMessage.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return isMissing(issue) ? `required, expected ${article(issue.expected)}` : `expected ${article(issue.expected)}${got(issue)}`;
    case 'too_small':
      return describeBound(issue, issue.origin === 'date' ? 'a date' : 'a number');
    case 'too_big':
      return describeBound(issue, issue.origin === 'date' ? 'a date' : 'a number');
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${JSON.stringify(issue.values[0])}${got(issue)}`
        : `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}${got(issue)}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    case 'invalid_union':
      return `expected one of the allowed forms${got(issue)}`;
    default:
      return issue.message;
  }
}

/**
 * zod keeps the offending value on an issue only when parsed with `reportInput: true`; without
 * it (the env schema) the default message still says whether anything arrived.
 */
function isMissing(issue: z.core.$ZodIssueInvalidType): boolean {
  if ('input' in issue) return issue.input === undefined;
  return / received undefined$/.test(issue.message);
}

function got(issue: z.core.$ZodIssue): string {
  return 'input' in issue && issue.input !== undefined ? `, got ${describeValue(issue.input)}` : '';
}

/** A value as it looked in the file, short enough for one line: `"9am"`, `45`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

function article(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object') return 'a mapping';
  if (expected === 'string') return 'text';
  if (expected === 'int') return 'a whole number';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/**
 * The message for keys a strict object does not know, naming the key the owner probably meant
 * (`"durationMinute"` → `"durationMinutes"`), or the allowed keys when nothing is close.
 */
export function describeUnknownKeys(keys: readonly string[], allowed: readonly string[]): string {
  return keys
    .map((key) => {
      const suggestion = closestKey(key, allowed);
      return suggestion === undefined
        ? `unknown key "${key}" (allowed: ${allowed.join(', ')})`
        : `unknown key "${key}" (did you mean "${suggestion}"?)`;
    })
    .join('; ');
}

function closestKey(key: string, allowed: readonly string[]): string | undefined {
  const tolerance = Math.max(2, Math.floor(key.length / 3));
  let best: { key: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= tolerance && (best === undefined || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

/** Levenshtein distance; keys are short, so the plain two-row version is plenty. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * When a value matches none of a union's forms, zod reports every form's complaints. An owner
 * needs only those of the form they were evidently writing: the one whose complaints are fewest,
 * ignoring forms the value is not even the right kind for (a mapping given where text belongs).
 * When every form is the wrong kind, the union's own message stands.
 */
function explainUnions(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union') return [issue];
    const closest = issue.errors
      .filter((branch) => !branch.some(isWrongKindAtRoot))
      .reduce<z.core.$ZodIssue[] | undefined>(
        (best, branch) => (best === undefined || branch.length < best.length ? branch : best),
        undefined,
      );
    if (closest === undefined) return [issue];
    return explainUnions(closest.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })));
  });
}

function isWrongKindAtRoot(issue: z.core.$ZodIssue): boolean {
  return issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_value');
}

/** All issues, one per line, each prefixed with `where` (a file name, or `env`). */
export function formatIssues(issues: readonly z.core.$ZodIssue[], where: string): string {
  return explainUnions(issues)
    .map((issue) => {
      const path = formatPath(issue.path);
      const separator = where.endsWith(':') ? ' ' : ': ';
      return `${where}${separator}${path ? `${path}: ` : ''}${describeIssue(issue)}`;
    })
    .join('\n');
}
