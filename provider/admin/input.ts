import type { z } from 'zod';
import { formatPath } from '../tenant-file/validate.ts';
import { invalidInput } from './errors.ts';

/**
 * Parses a request body or command-line input with a schema (mostly the tenant file's own, so
 * the API accepts exactly what an import would). Every problem is one `field: problem` line.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input ?? {}, { error: describeIssue });
  if (parsed.success) return parsed.data;
  throw invalidInput(formatIssues(parsed.error.issues));
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown field`);
    }
    const at = issue.path.length ? formatPath(issue.path) : '(body)';
    return [`${at}: ${issue.message}`];
  });
}

// Used for issues whose schema gave no message of its own, as in the import's validation.
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'is required';
  return `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
}
