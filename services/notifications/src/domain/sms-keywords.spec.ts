import { smsKeyword } from './sms-keywords';

describe('SMS keywords', () => {
  it('reads the first word without case, accents or punctuation', () => {
    expect(smsKeyword('STOP')).toBe('stop');
    expect(smsKeyword('  stop. ')).toBe('stop');
    expect(smsKeyword('Start')).toBe('start');
    expect(smsKeyword('ajuda por favor')).toBe('help');
    expect(smsKeyword('Sim!')).toBe('yes');
    expect(smsKeyword('Não')).toBe('no');
    expect(smsKeyword('sí')).toBe('yes');
  });

  it('takes anything else for other, the empty text too', () => {
    expect(smsKeyword('NEED food 2 people Alfama')).toBe('other');
    expect(smsKeyword('')).toBe('other');
    expect(smsKeyword('stopping by later')).toBe('other');
  });
});
