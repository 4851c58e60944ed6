// @ts-check

/**
 * Promotions, shared by every replica of the backend.
 *
 * `open_slot` holds the entity × target environment while the promotion is open and NULL once it
 * is final: its unique index lets the database, not a lock in memory, keep at most one open
 * promotion per entity and target (NULLs never collide).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('environments_promotions', table => {
    table.comment('Promotions of an entity from one environment to another');
    table.uuid('id').primary().notNullable().comment('The promotion id');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('The entity that is promoted');
    table
      .string('target_environment', 255)
      .notNullable()
      .comment('The environment promoted into');
    table
      .string('source_environment', 255)
      .notNullable()
      .comment('The environment promoted from');
    table
      .string('state', 32)
      .notNullable()
      .comment('Where the promotion is in its lifecycle');
    table
      .string('requested_by', 255)
      .notNullable()
      .comment('The user who asked for it');
    table
      .string('idempotency_key', 255)
      .nullable()
      .comment('The key the user sent to make retries safe');
    table
      .string('open_slot', 768)
      .nullable()
      .comment(
        'Entity and target while the promotion is open, NULL when final',
      );
    table.timestamp('created_at', { useTz: true, precision: 3 }).notNullable();
    table.timestamp('updated_at', { useTz: true, precision: 3 }).notNullable();
    table
      .text('data')
      .notNullable()
      .comment('The rest of the promotion, as JSON');

    table.unique(['open_slot'], {
      indexName: 'environments_promotions_open_slot_uniq',
    });
    table.unique(['requested_by', 'idempotency_key'], {
      indexName: 'environments_promotions_idempotency_uniq',
    });
    table.index(
      ['entity_ref', 'target_environment', 'created_at'],
      'environments_promotions_history_idx',
    );
    table.index(['state'], 'environments_promotions_state_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('environments_promotions');
};
