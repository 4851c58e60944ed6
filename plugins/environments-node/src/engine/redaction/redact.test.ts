import { isSecretKey, REDACTED, redactEntry, redactValue } from './redact';

describe('redaction', () => {
  it.each([
    'PASSWORD',
    'DB_PASS',
    'API_KEY',
    'apiKey',
    'GITHUB_TOKEN',
    'credentials',
    'clientSecret',
    'JWT_SECRET',
    'AWS_SECRET_ACCESS_KEY',
  ])('%s is a secret key', k => expect(isSecretKey(k)).toBe(true));

  it.each([
    'LOG_LEVEL',
    'NODE_ENV',
    'PORT',
    'KEYCLOAK_URL',
    'MONKEY_MODE',
    'PASSIVE',
  ])('%s is not', k => expect(isSecretKey(k)).toBe(false));

  it('redacts passwords inside URLs and connection strings', () => {
    expect(redactValue('postgres://app:s3cr3t@db:5432/x')).toBe(
      `postgres://app:${REDACTED}@db:5432/x`,
    );
    expect(
      redactValue('Server=db;User Id=a;Password=fixture-not-a-secret;'),
    ).toBe(`Server=db;User Id=a;Password=${REDACTED};`);
    expect(redactValue('http://example.com:8080/path')).toBe(
      'http://example.com:8080/path',
    );
    expect(redactValue('-----BEGIN RSA PRIVATE KEY-----\nabc')).toBe(REDACTED);
  });

  it('redacts whole values of secret keys', () => {
    expect(redactEntry('API_TOKEN', 'abc')).toBe(REDACTED);
    expect(redactEntry('LOG_LEVEL', 'debug')).toBe('debug');
    expect(redactEntry('DATABASE_URL', 'mysql://u:p@h/db')).toBe(
      `mysql://u:${REDACTED}@h/db`,
    );
  });
});
