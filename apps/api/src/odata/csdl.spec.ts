import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { csdl } from './csdl';
import { demoSets, flatDemoSets } from './testing/demo-model';

const SCHEMAS = resolve(__dirname, '../../../../test/fixtures/odata-csdl-schemas');

/** xmllint (Debian's libxml2-utils) against the OASIS CSDL XML schema; throws on any error. */
function validate(document: string): void {
  const file = join(mkdtempSync(join(tmpdir(), 'csdl-')), 'metadata.xml');
  writeFileSync(file, document);
  execFileSync('xmllint', ['--noout', '--schema', join(SCHEMAS, 'edmx.xsd'), file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('csdl', () => {
  const document = csdl(demoSets);

  it('names entity types in the singular and entity sets in the plural', () => {
    expect(document).toContain('<EntityType Name="Deal">');
    expect(document).toContain('<EntitySet Name="Deals" EntityType="feedpass.Deal">');
  });

  it('writes the referencing end with its constraint and partner', () => {
    expect(document).toContain(
      '<NavigationProperty Name="Account" Type="feedpass.Account" Nullable="false" Partner="Deals">' +
        '<ReferentialConstraint Property="AccountId" ReferencedProperty="Id"/></NavigationProperty>',
    );
  });

  it('writes the referenced end as a collection, and binds both sets', () => {
    expect(document).toContain(
      '<NavigationProperty Name="Deals" Type="Collection(feedpass.Deal)" Partner="Account"/>',
    );
    expect(document).toContain('<NavigationPropertyBinding Path="Account" Target="Accounts"/>');
    expect(document).toContain('<NavigationPropertyBinding Path="Deals" Target="Deals"/>');
  });

  it('validates against the OASIS CSDL XML schema, with and without relationships', () => {
    expect(() => validate(document)).not.toThrow();
    expect(() => validate(csdl(flatDemoSets))).not.toThrow();
  });

  it('is caught by the schema check when it is wrong (the check can fail)', () => {
    const broken = document.replace('<Key>', '<Kee>').replace('</Key>', '</Kee>');
    expect(() => validate(broken)).toThrow();
  });
});
