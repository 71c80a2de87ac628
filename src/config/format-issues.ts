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

function describeBound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, word: string): string {
  const inclusive = issue.inclusive ?? true;
  const comparator = issue.code === 'too_small' ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
  const bound = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  if (issue.origin === 'string') return `expected text of length ${comparator} ${bound}`;
  if (issue.origin === 'array' || issue.origin === 'set') return `expected a list with ${comparator} ${bound} entries`;
  return `expected ${word} ${comparator} ${bound}`;
}

/** One issue as `path: expected …`, the message an owner editing the file can act on. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      // zod 4 leaves `input` out of issues unless asked; its message still says what arrived.
      return / received undefined$/.test(issue.message)
        ? `required, expected ${article(issue.expected)}`
        : `expected ${article(issue.expected)}`;
    case 'too_small':
      return describeBound(issue, issue.origin === 'date' ? 'a date' : 'a number');
    case 'too_big':
      return describeBound(issue, issue.origin === 'date' ? 'a date' : 'a number');
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object') return 'a mapping';
  if (expected === 'string') return 'text';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** All issues, one per line, each prefixed with `where` (a file name, or `env`). */
export function formatIssues(issues: readonly z.core.$ZodIssue[], where: string): string {
  return issues
    .map((issue) => {
      const path = formatPath(issue.path);
      const separator = where.endsWith(':') ? ' ' : ': ';
      return `${where}${separator}${path ? `${path}: ` : ''}${describeIssue(issue)}`;
    })
    .join('\n');
}
