import { DomainRuleViolation } from '@mutuo/domain';
import { isPrivateAddress, parseWebhookUrl } from './webhook-url';

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

  it('knows public addresses from private ones', () => {
    expect(['8.8.8.8', '2001:4860:4860::8888', '172.32.0.1', '100.128.0.1'].map(isPrivateAddress)).toEqual([false, false, false, false]);
    expect(['100.64.0.1', '0.0.0.0', '224.0.0.1', 'fe80::1'].map(isPrivateAddress)).toEqual([true, true, true, true]);
  });
});
