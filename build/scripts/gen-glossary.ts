// Writes shared/diagnosis/CAUSES.md from the glossary data (npm run glossary); a test fails when
// the committed file differs from what this writes.
import { writeFileSync } from 'node:fs';
import { glossaryMarkdown } from '../../shared/diagnosis/glossary.js';

writeFileSync('shared/diagnosis/CAUSES.md', glossaryMarkdown());
console.log('Wrote shared/diagnosis/CAUSES.md');
