// Writes shared/profile.schema.json from the profile parser (npm run schema).
import { writeFileSync } from 'node:fs';
import { format } from 'prettier';
import { profileJsonSchema } from '../../shared/profile-file.js';

// Formatted like every other file, so `prettier --check` in npm test agrees with the generator.
const text = await format(JSON.stringify(profileJsonSchema()), { parser: 'json' });
writeFileSync('shared/profile.schema.json', text);
console.log('Wrote shared/profile.schema.json');
