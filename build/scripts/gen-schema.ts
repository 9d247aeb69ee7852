// Writes shared/profile.schema.json from the profile parser (npm run schema).
import { writeFileSync } from 'node:fs';
import { profileJsonSchema } from '../../shared/profile-file.js';

writeFileSync('shared/profile.schema.json', `${JSON.stringify(profileJsonSchema(), null, 2)}\n`);
console.log('Wrote shared/profile.schema.json');
