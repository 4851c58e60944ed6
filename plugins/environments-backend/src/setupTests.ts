// Store tests run against SQLite and PostgreSQL (`TestDatabases` id POSTGRES_15). Use the local
// server unless the environment (CI) names another; without it the id would need Docker.
process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??=
  'postgresql://postgres@127.0.0.1:5432';

// Cache tests use the local Redis (`TestCaches` id REDIS_7), in a database of their own: `init`
// empties it.
process.env.BACKSTAGE_TEST_CACHE_REDIS7_CONNECTION_STRING ??=
  'redis://127.0.0.1:6379/5';

export {};
