// Writes shared/profile.schema.json from the profile parser (npm run schema).
import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { profileJsonSchema } from '../../shared/profile-file.js';

// Formatted like every other file, so `prettier --check` in npm test agrees with the generator.
const out = 'shared/profile.schema.json';
const config = (await resolveConfig(out)) ?? {};
const text = await format(JSON.stringify(profileJsonSchema()), { ...config, parser: 'json' });
writeFileSync(out, text);
console.log('Wrote shared/profile.schema.json');
