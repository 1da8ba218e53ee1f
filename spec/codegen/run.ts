/** `npm run gen`: checks the declaration, then writes src/gen/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDeclaration, declaration, generate, Model } from './generate.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const problems = checkDeclaration(new Model(declaration));
if (problems.length) {
  console.error(`spec/ has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exitCode = 1;
}
for (const [path, text] of generate()) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  console.log(`wrote ${path} (${text.length} chars)`);
}
