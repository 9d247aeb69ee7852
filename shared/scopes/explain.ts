// Plain words for SMART scopes: verbs, subjects, constraints and lists of words.
import type { Permission, ScopeContext } from './parse.js';

export const VERB: Record<Permission, string> = {
  c: 'create',
  r: 'read',
  u: 'update',
  d: 'delete',
  s: 'search',
};

export const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "a", "a and b", "a, b and c". */
export function listWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function plural(resource: string): string {
  if (/[^aeiou]y$/.test(resource)) return `${resource.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(resource)) return `${resource}es`;
  return `${resource}s`;
}

function verbs(perms: readonly Permission[]): string {
  return capitalize(listWords(perms.map((p) => VERB[p])));
}

function subject(context: ScopeContext, resource: string): string {
  const all = resource === '*';
  switch (context) {
    case 'patient':
      return all
        ? 'all of the patient’s data (every resource type)'
        : `the patient’s ${plural(resource)}`;
    case 'user':
      return all
        ? 'every resource type the signed-in user may access'
        : `${plural(resource)} the signed-in user may access`;
    case 'system':
      return all
        ? 'every resource type the client is pre-authorized for (backend, no user)'
        : `all ${plural(resource)} the client is pre-authorized for (backend, no user)`;
  }
}

/** A FHIR token "system|code" is shown by its code; a bare value as is. */
function tokenWords(value: string): string {
  return value.slice(value.lastIndexOf('|') + 1) || value;
}

/** Plain words for v2 granular constraints, e.g. "in category laboratory". */
export function constraintWords(constraints: readonly [string, string][]): string {
  return listWords(
    constraints.map(([k, v]) =>
      k === 'category' ? `in category ${tokenWords(v)}` : `where ${k} is ${tokenWords(v)}`,
    ),
  );
}

/** Plain words for a resource scope: "Read and search the patient's Observations". */
export function explainResource(
  context: ScopeContext,
  resource: string,
  perms: readonly Permission[],
  constraints: readonly [string, string][],
): string {
  const tail = constraints.length ? ` ${constraintWords(constraints)}` : '';
  return `${verbs(perms)} ${subject(context, resource)}${tail}`;
}
