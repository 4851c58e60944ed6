// @ts-check

/**
 * Leases and request fingerprints.
 *
 * A lease marks the one operation (execute, merge, cancel) that is writing a promotion to Git right
 * now: it is taken with a compare-and-set on the state and the lease, so two requests or two
 * replicas never both merge, or merge and cancel, one promotion. A lease that outlives its holder
 * (a crash) expires, and reconciliation reads Git to decide where the promotion is.
 *
 * The fingerprint binds an idempotency key to the request it was first sent with (route, entity,
 * body), so the same key with another request is refused instead of replayed.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('environments_promotions', table => {
    table
      .string('lease_operation', 32)
      .nullable()
      .comment('The Git operation under way (execute, merge, cancel), if any');
    table
      .string('lease_holder', 64)
      .nullable()
      .comment('Who holds the lease: a token per operation');
    table
      .timestamp('lease_until', { useTz: true, precision: 3 })
      .nullable()
      .comment('When the lease expires if its holder never releases it');
    table
      .string('request_fingerprint', 64)
      .nullable()
      .comment('SHA-256 of the route and body the idempotency key came with');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('environments_promotions', table => {
    table.dropColumn('lease_operation');
    table.dropColumn('lease_holder');
    table.dropColumn('lease_until');
    table.dropColumn('request_fingerprint');
  });
};
