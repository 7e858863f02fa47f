import { PasswordService } from './password.service';

describe('PasswordService', () => {
  const passwords = new PasswordService();

  it('hashes with argon2id at OWASP’s parameters (19 MiB, 2 passes, 1 lane)', async () => {
    const hash = await passwords.hash('correct horse battery');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(hash).not.toContain('correct horse battery');
  });

  it('verifies the right password only, and refuses when there is no hash at all', async () => {
    const hash = await passwords.hash('correct horse battery');
    await expect(passwords.verify(hash, 'correct horse battery')).resolves.toBe(true);
    await expect(passwords.verify(hash, 'correct horse batterY')).resolves.toBe(false);
    await expect(passwords.verify(undefined, 'anything at all')).resolves.toBe(false);
    await expect(passwords.verify('not-a-hash', 'anything at all')).resolves.toBe(false);
  });
});
