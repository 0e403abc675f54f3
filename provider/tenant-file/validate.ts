import type { z } from 'zod';
import { lookupKey } from '../../adapters/users.ts';
import { tenantFileSchema, type TenantEntry, type TenantFile } from './schema.ts';

export type ValidationResult = { ok: true; file: TenantFile } | { ok: false; errors: string[] };

type Path = readonly PropertyKey[];

/**
 * Checks a whole tenant file before anything is written: shape first (zod), then the references
 * between its parts. Every problem is one line `path: problem`, so a person can fix them all in
 * one pass instead of meeting them one import at a time.
 */
export function validateTenantFile(input: unknown): ValidationResult {
  const parsed = tenantFileSchema.safeParse(input, { error: describeIssue });
  if (!parsed.success) return { ok: false, errors: formatIssues(parsed.error.issues, []) };
  const errors = checkReferences(parsed.data);
  return errors.length ? { ok: false, errors } : { ok: true, file: parsed.data };
}

export function formatPath(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(file)';
}

// Used for issues whose schema gave no message of its own.
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'is required';
  return `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
}

function formatIssues(issues: readonly z.core.$ZodIssue[], base: Path): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${formatPath([...path, key])}: unknown field`);
    } else if (issue.code === 'invalid_union') {
      lines.push(...formatUnion(issue.errors, path));
    } else {
      lines.push(`${formatPath(path)}: ${issue.message}`);
    }
  }
  return lines;
}

/**
 * A union reports every branch. The branch that failed on the value's own type is the one the
 * author did not mean, so report the other; if all failed that way, say what was expected.
 */
function formatUnion(branches: readonly z.core.$ZodIssue[][], path: Path): string[] {
  const wrongType = (issues: readonly z.core.$ZodIssue[]) =>
    issues.some((issue) => issue.code === 'invalid_type' && issue.path.length === 0);
  const meant = branches.filter((issues) => !wrongType(issues));
  if (meant.length === 1) return formatIssues(meant[0]!, path);
  return [`${formatPath(path)}: must be an object or an array of objects`];
}

function checkReferences(file: TenantFile): string[] {
  const errors: string[] = [];
  const report = (path: Path, problem: string) => errors.push(`${formatPath(path)}: ${problem}`);

  const tenantIds = new Map<string, number>();
  file.tenants.forEach((tenant, t) => {
    const at: Path = ['tenants', t];
    const first = tenantIds.get(tenant.id);
    if (first === undefined) tenantIds.set(tenant.id, t);
    else report([...at, 'id'], `duplicate tenant id "${tenant.id}" (also tenants[${first}])`);
    checkTenant(tenant, at, report);
  });
  return errors;
}

type Report = (path: Path, problem: string) => void;

function checkTenant(tenant: TenantEntry, at: Path, report: Report): void {
  const groups = uniqueKeys(
    tenant.groups ?? [],
    (g) => g.code,
    [...at, 'groups'],
    'code',
    'group code',
    report,
  );
  const profiles = uniqueKeys(
    tenant.profiles ?? [],
    (p) => p.code,
    [...at, 'profiles'],
    'code',
    'profile code',
    report,
  );
  const checkGroupList = (list: string[] | undefined, path: Path) => {
    const seen = new Set<string>();
    (list ?? []).forEach((code, i) => {
      if (!groups.has(code)) report([...path, i], `unknown group "${code}"`);
      else if (seen.has(code)) report([...path, i], `group "${code}" listed twice`);
      seen.add(code);
    });
  };

  const policy = tenant.twoFactor;
  if (policy) {
    const path = [...at, 'twoFactor'];
    if (policy.method === 'group' && !policy.group)
      report([...path, 'group'], 'is required when method is group');
    if (policy.group && !groups.has(policy.group))
      report([...path, 'group'], `unknown group "${policy.group}"`);
    if (policy.method !== 'off' && !policy.effectiveFrom) {
      report([...path, 'effectiveFrom'], `is required when method is ${policy.method}`);
    }
  }

  if (tenant.sso) {
    const upstreams = Array.isArray(tenant.sso) ? tenant.sso : [tenant.sso];
    const owner = new Map<string, number>();
    upstreams.forEach((upstream, u) => {
      const base = Array.isArray(tenant.sso) ? [...at, 'sso', u] : [...at, 'sso'];
      upstream.domains.forEach((domain, d) => {
        if (owner.has(domain))
          report([...base, 'domains', d], `domain "${domain}" is listed twice`);
        owner.set(domain, u);
      });
      if (upstream.profile && !profiles.has(upstream.profile)) {
        report([...base, 'profile'], `unknown profile "${upstream.profile}"`);
      }
      checkGroupList(upstream.groups, [...base, 'groups']);
    });
  }

  (tenant.profiles ?? []).forEach((profile, p) =>
    checkGroupList(profile.groups, [...at, 'profiles', p, 'groups']),
  );

  const users = tenant.users ?? [];
  uniqueKeys(users, (u) => lookupKey(u.username), [...at, 'users'], 'username', 'username', report);
  const emails = uniqueKeys(
    users.filter((u) => u.email !== undefined),
    (u) => lookupKey(u.email!),
    [...at, 'users'],
    'email',
    'email address',
    report,
    users,
  );
  users.forEach((user, i) => {
    const path = [...at, 'users', i];
    if (user.password !== undefined && user.passwordHash !== undefined) {
      report([...path, 'password'], 'give either password or passwordHash, not both');
    }
    if (user.profile !== undefined && !profiles.has(user.profile)) {
      report([...path, 'profile'], `unknown profile "${user.profile}"`);
    }
    checkGroupList(user.groups, [...path, 'groups']);
    // Sign-in looks a name up as a username first, so an email-like username would capture the
    // login of whoever has that address.
    const other = emails.get(lookupKey(user.username));
    if (other !== undefined && other !== i) {
      report([...path, 'username'], `is the email address of users[${other}]`);
    }
  });

  uniqueKeys(
    tenant.clients ?? [],
    (c) => c.client_id,
    [...at, 'clients'],
    'client_id',
    'client id',
    report,
  );
}

/**
 * Reports every repeat of a key and returns key -> index of its first holder. `all` is the full
 * list when `items` is a filtered subset of it, so reported indexes point into the file.
 */
function uniqueKeys<T>(
  items: T[],
  keyOf: (item: T) => string,
  listPath: Path,
  field: string,
  label: string,
  report: Report,
  all: T[] = items,
): Map<string, number> {
  const seen = new Map<string, number>();
  for (const item of items) {
    const index = all.indexOf(item);
    const key = keyOf(item);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else report([...listPath, index, field], `duplicate ${label} "${key}" (also [${first}])`);
  }
  return seen;
}
