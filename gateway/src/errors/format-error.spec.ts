import { formatGatewayError, gatewayErrorFormatter } from './format-error';

const MASKED = { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };

describe('formatGatewayError', () => {
  it('keeps message, locations, path, code and a string field of a deliberate error, and drops everything else', () => {
    expect(
      formatGatewayError({
        message: 'Amount must be positive',
        locations: [{ line: 1, column: 3 }],
        path: ['pledge'],
        extensions: { code: 'BAD_USER_INPUT', field: 'amount', serviceName: 'funds', stacktrace: ['Error: at pledge.ts:12'] },
      }),
    ).toEqual({
      message: 'Amount must be positive',
      locations: [{ line: 1, column: 3 }],
      path: ['pledge'],
      extensions: { code: 'BAD_USER_INPUT', field: 'amount' },
    });
  });

  it("passes on a subgraph's SERVICE_UNAVAILABLE with whether retrying is safe, and ignores a retryable that is not a boolean", () => {
    expect(
      formatGatewayError({
        message: 'The service is temporarily unavailable. Nothing was changed: retrying later is safe.',
        path: ['postRequest'],
        extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true, serviceName: 'requests' },
      }),
    ).toEqual({
      message: 'The service is temporarily unavailable. Nothing was changed: retrying later is safe.',
      path: ['postRequest'],
      extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
    });
    expect(formatGatewayError({ message: 'Busy', extensions: { code: 'SERVICE_UNAVAILABLE', retryable: 'yes' } })).toEqual({
      message: 'Busy',
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
  });

  it('ignores a field extension that is not a string', () => {
    expect(formatGatewayError({ message: 'No', extensions: { code: 'FORBIDDEN', field: { secret: true } } })).toEqual({
      message: 'No',
      extensions: { code: 'FORBIDDEN' },
    });
  });

  it('masks internal, downstream and code-less errors, keeping only the path', () => {
    expect(formatGatewayError({ message: 'ECONNREFUSED 10.0.0.5:5432', path: ['me'], extensions: { code: 'INTERNAL_SERVER_ERROR' } })).toEqual({
      ...MASKED,
      path: ['me'],
    });
    expect(formatGatewayError({ message: 'subgraph said no', extensions: { code: 'DOWNSTREAM_SERVICE_ERROR' } })).toEqual(MASKED);
    expect(formatGatewayError({ message: 'TypeError: x is undefined' })).toEqual(MASKED);
  });

  it("masks a subgraph's parse or validation failure of the gateway's own query, but not the caller's", () => {
    expect(formatGatewayError({ message: 'Cannot query field "_entities"', extensions: { code: 'GRAPHQL_VALIDATION_FAILED', serviceName: 'funds' } })).toEqual(
      MASKED,
    );
    expect(formatGatewayError({ message: 'Cannot query field "x" on type "Query".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })).toEqual({
      message: 'Cannot query field "x" on type "Query".',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });
});

describe('gatewayErrorFormatter', () => {
  const enumError = {
    message: 'Variable "$c" got invalid value "FOD"; Value "FOD" does not exist in "RequestCategory" enum. Did you mean the enum value "FOOD"?',
    extensions: { code: 'BAD_USER_INPUT' },
  };

  it('removes every "Did you mean" hint in production, also one a subgraph wrote', () => {
    expect(gatewayErrorFormatter({ hideSuggestions: true })(enumError)).toEqual({
      message: 'Variable "$c" got invalid value "FOD"; Value "FOD" does not exist in "RequestCategory" enum.',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(
      gatewayErrorFormatter({ hideSuggestions: true })({
        message: 'Cannot query field "titel". Did you mean "title" or "tile"?',
        extensions: { code: 'NOT_FOUND', serviceName: 'requests' },
      }).message,
    ).toBe('Cannot query field "titel".');
  });

  it('keeps them in development', () => {
    expect(gatewayErrorFormatter({ hideSuggestions: false })(enumError).message).toBe(enumError.message);
  });
});
