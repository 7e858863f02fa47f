import { csvLine } from './csv';

describe('csvLine (RFC 4180, with spreadsheet formula neutralisation)', () => {
  it('joins plain cells with commas and ends the line with CRLF', () => {
    expect(csvLine(['time', 'type', 'label'])).toBe('time,type,label\r\n');
  });

  it('keeps empty cells', () => {
    expect(csvLine(['a', '', 'c', ''])).toBe('a,,c,\r\n');
  });

  it.each([
    ['=', '=HYPERLINK("http://evil","x")'],
    ['+', '+1+1'],
    ['-', '-2+3'],
    ['@', '@SUM(A1:A9)'],
    ['a tab', '\t=1+1'],
    ['a carriage return', '\r=1+1'],
  ])('prefixes a cell starting with %s with an apostrophe', (_name, cell) => {
    const line = csvLine([cell]);
    const unquoted = line.startsWith('"') ? line.slice(1) : line;
    expect(unquoted.startsWith(`'${cell[0]}`)).toBe(true);
  });

  it('neutralises without losing the rest of the text', () => {
    expect(csvLine(['=1+1'])).toBe("'=1+1\r\n");
    expect(csvLine(['@me'])).toBe("'@me\r\n");
  });

  it('leaves a formula character alone when it is not the first character', () => {
    expect(csvLine(['a=b', '1+1', 'x-y', 'me@example.test'])).toBe(
      'a=b,1+1,x-y,me@example.test\r\n',
    );
  });

  it('quotes cells with commas, quotes or line breaks and doubles the quotes', () => {
    expect(csvLine(['a,b'])).toBe('"a,b"\r\n');
    expect(csvLine(['say "hi"'])).toBe('"say ""hi"""\r\n');
    expect(csvLine(['line one\nline two'])).toBe('"line one\nline two"\r\n');
    expect(csvLine(['cr\rlf'])).toBe('"cr\rlf"\r\n');
  });

  it('neutralises and quotes a cell that needs both', () => {
    expect(csvLine(['=HYPERLINK("x","y")'])).toBe('"\'=HYPERLINK(""x"",""y"")"\r\n');
    expect(csvLine(['-1,2'])).toBe('"\'-1,2"\r\n');
  });

  it('keeps Unicode as it is', () => {
    expect(csvLine(['ünïcødé 🔑', '<b>x</b>'])).toBe('ünïcødé 🔑,<b>x</b>\r\n');
  });

  it('a JSON details cell survives a round trip', () => {
    const details = JSON.stringify({ from: 'a,"b"', to: '=c' });
    const line = csvLine([details]);
    expect(line).toBe(`"${details.replace(/"/g, '""')}"\r\n`);
    expect(line.slice(1, -3).replace(/""/g, '"')).toBe(details);
  });
});
