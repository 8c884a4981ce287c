import { classifySmtpError } from './email.channel';
import { AmbiguousSendError } from './send-outcome';

const smtpError = (fields: { code?: string; command?: string; responseCode?: number; response?: string }) =>
  Object.assign(new Error(fields.response ?? 'failed'), fields);

describe('what an SMTP failure proves', () => {
  it('a permanent refusal (5xx) was not sent and will not be retried', () => {
    expect(classifySmtpError(smtpError({ command: 'RCPT TO', responseCode: 550, response: '550 No such mailbox' }))).toEqual({
      type: 'not-sent',
      permanent: true,
      error: '550 No such mailbox',
    });
  });

  it('a temporary refusal (4xx), even after the message, was not accepted: retry later', () => {
    expect(classifySmtpError(smtpError({ command: 'DATA', responseCode: 451, response: '451 Try again later' }))).toMatchObject({
      type: 'not-sent',
      permanent: false,
    });
  });

  it('no connection at all sent nothing: retry later', () => {
    expect(classifySmtpError(smtpError({ code: 'ECONNECTION', command: 'CONN' }))).toMatchObject({ type: 'not-sent', permanent: false });
  });

  it('silence after the message was handed over proves nothing: never retried blindly', () => {
    expect(() => classifySmtpError(smtpError({ code: 'ETIMEDOUT', command: 'DATA' }))).toThrow(AmbiguousSendError);
    expect(() => classifySmtpError(smtpError({ code: 'ESOCKET' }))).toThrow(AmbiguousSendError);
  });
});
