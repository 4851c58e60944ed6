/**
 * The text that replaces a secret value.
 *
 * @public
 */
export const REDACTED = '[redacted]';

const SECRET_WORDS = [
  'password',
  'passwd',
  'pwd',
  'pass',
  'secret',
  'token',
  'key',
  'apikey',
  'credential',
  'credentials',
  'cred',
  'creds',
  'salt',
  'dsn',
];

const SECRET_WORD_SET = new Set(SECRET_WORDS);
/** Names that contain a secret word but are not secrets. */
const SAFE_NAMES = new Set([
  'key_file_path',
  'keycloak_url',
  'public_key_url',
  'auth_url',
  'token_url',
]);

/**
 * Whether a key (env var name, map key) names a secret: PASSWORD, DB_PASS,
 * API_KEY, apiKey, GITHUB_TOKEN, credentials, clientSecret, …
 *
 * @public
 */
export function isSecretKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (SAFE_NAMES.has(words.join('_'))) return false;
  if (words.some(w => SECRET_WORD_SET.has(w))) return true;
  const joined = words.join('');
  return /(password|passwd|secret|token|apikey|credential|privatekey)/.test(
    joined,
  );
}

const URL_WITH_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)(@)/gi;
const KEY_VALUE_PASSWORD =
  /((?:password|pwd|passwd|secret|token|apikey|api_key)\s*=\s*)([^;&\s]+)/gi;
const PRIVATE_KEY_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * Removes secrets from a value: passwords in URLs (`postgres://u:***@h`),
 * `password=` parts of connection strings, and private keys.
 *
 * @public
 */
export function redactValue(value: string): string {
  if (PRIVATE_KEY_BLOCK.test(value)) return REDACTED;
  return value
    .replace(URL_WITH_PASSWORD, `$1${REDACTED}$3`)
    .replace(KEY_VALUE_PASSWORD, `$1${REDACTED}`);
}

/**
 * Redacts one key/value pair: the whole value when the key names a secret,
 * else the secret parts of the value.
 *
 * @public
 */
export function redactEntry(key: string, value: string): string {
  if (isSecretKey(key)) return value === '' ? value : REDACTED;
  return redactValue(value);
}
