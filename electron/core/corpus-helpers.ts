/**
 * Reads the diagnosis corpus (shared/diagnosis/corpus/*.json) for the tests and the bench: every
 * case parsed with its schema, so a malformed case fails loudly instead of being skipped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusCaseSchema, type CorpusCase } from '../../shared/diagnosis/corpus/cases.js';

const CORPUS_DIR = fileURLToPath(new URL('../../shared/diagnosis/corpus/', import.meta.url));

export function loadCorpus(): CorpusCase[] {
  const out: CorpusCase[] = [];
  for (const f of readdirSync(CORPUS_DIR)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const raw = JSON.parse(readFileSync(join(CORPUS_DIR, f), 'utf8')) as unknown[];
    raw.forEach((c, i) => {
      const r = corpusCaseSchema.safeParse(c);
      if (!r.success)
        throw new Error(
          `${f}[${i}]: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`,
        );
      out.push(r.data);
    });
  }
  return out;
}

/** One line per rate: "N/M (P%)". */
export function rate(hits: number, total: number): string {
  return `${hits}/${total} (${total ? Math.round((hits / total) * 1000) / 10 : 0}%)`;
}
