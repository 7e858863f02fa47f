import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from './version';

describe('VERSION', () => {
  it('is the version of the root package.json', () => {
    const root = join(__dirname, '..', '..', '..', 'package.json');
    expect(VERSION).toBe((JSON.parse(readFileSync(root, 'utf8')) as { version: string }).version);
  });
});
