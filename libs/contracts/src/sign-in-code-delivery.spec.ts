import { randomBytes, randomUUID } from 'node:crypto';
import {
  codeDeliveryKeyFrom,
  openSignInCodeDelivery,
  sealSignInCodeDelivery,
  SignInCodeRequestedV1,
  type SignInCodeRequestedV1Data,
} from './sign-in-code-delivery';

describe('sign-in code delivery', () => {
  const key = randomBytes(32);
  const deliveryId = randomUUID();

  function requested(overrides: Partial<SignInCodeRequestedV1Data> = {}): SignInCodeRequestedV1Data {
    return {
      deliveryId,
      purpose: 'sign-in',
      channel: 'email',
      locale: 'pt',
      expiresAt: '2026-03-01T10:10:00.000Z',
      sealed: sealSignInCodeDelivery(key, { to: 'ana@example.org', code: '042917' }, { deliveryId, purpose: 'sign-in' }),
      ...overrides,
    };
  }

  it('publishes neither the address nor the code in clear, and the delivering service opens them with the shared key', () => {
    const data = requested();

    expect(SignInCodeRequestedV1.type).toBe('membership.sign-in-code-requested.v1');
    expect(SignInCodeRequestedV1.parse(data)).toEqual({ ok: true, data });
    expect(JSON.stringify(data)).not.toMatch(/ana@example\.org|042917/);
    expect(openSignInCodeDelivery(key, data)).toEqual({ to: 'ana@example.org', code: '042917' });
  });

  it('never opens with another key, in another delivery, for another purpose, or once tampered with', () => {
    const data = requested();
    const [version, iv, ciphertext, tag] = data.sealed.split('.') as [string, string, string, string];
    const flipped = `${ciphertext.slice(0, -2)}${ciphertext.at(-2) === 'A' ? 'B' : 'A'}${ciphertext.at(-1)}`;

    expect(() => openSignInCodeDelivery(randomBytes(32), data)).toThrow();
    expect(() => openSignInCodeDelivery(key, { ...data, deliveryId: randomUUID() })).toThrow();
    expect(() => openSignInCodeDelivery(key, { ...data, purpose: 'contact-verification' })).toThrow();
    expect(() => openSignInCodeDelivery(key, { ...data, sealed: [version, iv, flipped, tag].join('.') })).toThrow();
  });

  it('binds an SMS code to its channel: it does not open as an e-mail, nor an e-mail code as an SMS', () => {
    const sms = requested({
      purpose: 'contact-verification',
      channel: 'sms',
      sealed: sealSignInCodeDelivery(key, { to: '+351912345678', code: '042917' }, { deliveryId, purpose: 'contact-verification', channel: 'sms' }),
    });

    expect(SignInCodeRequestedV1.parse(sms)).toEqual({ ok: true, data: sms });
    expect(openSignInCodeDelivery(key, sms)).toEqual({ to: '+351912345678', code: '042917' });
    expect(() => openSignInCodeDelivery(key, { ...sms, channel: 'email' })).toThrow();
    expect(() => openSignInCodeDelivery(key, { ...requested(), channel: 'sms' })).toThrow();
  });

  it('seals each delivery with a fresh IV, so equal codes never look equal', () => {
    const seal = () => sealSignInCodeDelivery(key, { to: 'ana@example.org', code: '111111' }, { deliveryId, purpose: 'sign-in' });

    expect(seal()).not.toBe(seal());
  });

  it('refuses data that is not sealed or names an unknown purpose', () => {
    const result = SignInCodeRequestedV1.parse({ ...requested(), sealed: 'ana@example.org:042917', purpose: 'password-reset' });

    expect(result.ok ? [] : result.error.issues.map((issue) => issue.path)).toEqual(['purpose', 'sealed']);
  });

  it('reads the shared key from base64 or base64url and refuses anything but 32 bytes', () => {
    expect(codeDeliveryKeyFrom(key.toString('base64'))).toEqual(key);
    expect(codeDeliveryKeyFrom(key.toString('base64url'))).toEqual(key);
    expect(() => codeDeliveryKeyFrom(randomBytes(16).toString('base64'))).toThrow('must be 32 bytes in base64');
    expect(() => codeDeliveryKeyFrom('not a key!')).toThrow('must be 32 bytes in base64');
  });
});
