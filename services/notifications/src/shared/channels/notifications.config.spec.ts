import { ConfigError } from '@mutuo/platform';
import { DEV_SMS_INBOUND_SECRET, notificationsConfigFrom } from './notifications.config';

describe('notifications configuration', () => {
  it('has development defaults: no SMTP (e-mails are logged), no SMS, the development code key', () => {
    const config = notificationsConfigFrom({ NODE_ENV: 'development' });
    expect(config).toMatchObject({ production: false, smtpUrl: null, sms: null, webhookAllowHttp: true, webhookAllowPrivateAddresses: false });
    expect(config.codeDeliveryKey).toHaveLength(32);
  });

  it('refuses to start in production without SMTP, with the development key or with private webhooks, naming each variable', () => {
    let error: unknown;
    try {
      notificationsConfigFrom({
        NODE_ENV: 'production',
        NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
        NOTIFICATIONS_PUBLIC_URL: 'http://alerts.example.org',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    for (const variable of [
      'NOTIFICATIONS_SMTP_URL',
      'MEMBERSHIP_CODE_DELIVERY_KEY',
      'NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES',
      'NOTIFICATIONS_PUBLIC_URL',
      'NOTIFICATIONS_SMS_INBOUND_SECRET',
    ]) {
      expect((error as Error).message).toContain(variable);
    }
  });

  it('refuses the development inbound SMS secret in production', () => {
    expect(() => notificationsConfigFrom({ NODE_ENV: 'production', NOTIFICATIONS_SMS_INBOUND_SECRET: DEV_SMS_INBOUND_SECRET })).toThrow(
      /NOTIFICATIONS_SMS_INBOUND_SECRET must not be the development secret in production/,
    );
  });

  it('wants all SMS variables or none, an E.164 sender, and a sending lease longer than a send may take', () => {
    expect(() => notificationsConfigFrom({ NOTIFICATIONS_SMS_API_URL: 'https://api.example.org' })).toThrow(/NOTIFICATIONS_SMS_API_URL/);
    expect(() =>
      notificationsConfigFrom({
        NOTIFICATIONS_SMS_API_URL: 'https://api.example.org',
        NOTIFICATIONS_SMS_ACCOUNT_SID: 'AC1',
        NOTIFICATIONS_SMS_AUTH_TOKEN: 'token-token',
        NOTIFICATIONS_SMS_FROM: '912345678',
      }),
    ).toThrow(/NOTIFICATIONS_SMS_FROM/);
    expect(() => notificationsConfigFrom({ NOTIFICATIONS_SENDING_LEASE_MS: '5000', NOTIFICATIONS_SEND_TIMEOUT_MS: '15000' })).toThrow(
      /NOTIFICATIONS_SENDING_LEASE_MS/,
    );
  });
});
