import { DomainRuleViolation } from '@mutuo/domain';
import { parseWebhookUrl } from './webhook-url';

const production = { allowHttp: false, allowPrivateAddresses: false };

describe('webhook URLs', () => {
  it('accepts https on a public host', () => {
    expect(parseWebhookUrl('https://partner.example.org/mutuo?tenant=7', production).hostname).toBe('partner.example.org');
  });

  it.each([
    ['http://partner.example.org/hook', /https/],
    ['https://user:secret@partner.example.org/hook', /credentials/],
    ['https://10.0.0.8/hook', /private/],
    ['https://172.20.1.1/hook', /private/],
    ['https://192.168.0.10/hook', /private/],
    ['https://169.254.169.254/latest/meta-data', /private/],
    ['https://[::1]/hook', /private/],
    ['https://[fd00::1]/hook', /private/],
    ['https://[::ffff:127.0.0.1]/hook', /private/],
    ['https://printer.local/hook', /private/],
    ['https://localhost/hook', /private/],
    ['partner.example.org/hook', /absolute URL/],
  ])('refuses %s, naming the field', (url, message) => {
    expect(() => parseWebhookUrl(url, production)).toThrow(message);
    try {
      parseWebhookUrl(url, production, 'input.url');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainRuleViolation);
      expect(error).toMatchObject({ code: 'INVALID_WEBHOOK_URL', field: 'input.url' });
    }
  });

  it('allows http and private hosts only where told to (development, tests)', () => {
    expect(parseWebhookUrl('http://127.0.0.1:8080/hook', { allowHttp: true, allowPrivateAddresses: true }).port).toBe('8080');
  });

  it.each([
    'https://[::ffff:7f00:1]/hook',
    'https://[64:ff9b::a00:1]/hook',
    'https://[2002:a9fe:a9fe::]/hook',
    'https://198.18.0.1/hook',
    'https://[2001:db8::1]/hook',
  ])('refuses %s, an address in a special-purpose range', (url) => {
    expect(() => parseWebhookUrl(url, production)).toThrow(/private/);
  });
});
