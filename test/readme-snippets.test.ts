// The README's code that test/types/ type-checks must be the README's code: each snippet there
// (between its header comment and its export line) is a ```ts block of README.md, verbatim.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);

describe('README snippets compiled by test/types', () => {
  for (const file of ['readme-use.ts', 'readme-models.ts', 'readme-custom-layer.ts', 'readme-nested.ts', 'readme-features.ts', 'readme-rnn.ts']) {
    it(`${file} is a README block`, () => {
      const text = readFileSync(new URL(`./types/${file}`, import.meta.url), 'utf8');
      const body = text.slice(text.indexOf('\n') + 1, text.lastIndexOf('\nexport {'));
      expect(body.length).toBeGreaterThan(100);
      expect(blocks).toContain(body);
    });
  }
});
