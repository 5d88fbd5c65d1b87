import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Outgoing SMS, sent by a queue job. The phone and the text (which holds a login code) are
  // stored only encrypted, and the ciphertext is wiped once the message is sent or given up.
  await knex.schema.createTable('sms_messages', (t) => {
    t.increments('id').primary();
    t.string('purpose', 20).notNullable();
    /** For support: which number, without revealing it (+7777*****77). */
    t.string('phone_masked', 24).notNullable();
    t.text('payload_encrypted').nullable();
    t.string('status', 20).notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('last_error', 200).nullable();
    /** Past this the message is pointless (the code in it has expired): it is not sent. */
    t.timestamp('expires_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true }).nullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['status', 'created_at']);
  });
  await knex.raw(`ALTER TABLE sms_messages
    ADD CONSTRAINT sms_messages_status_valid CHECK (status IN ('pending', 'sent', 'failed', 'expired')),
    ADD CONSTRAINT sms_messages_payload_while_pending CHECK (status = 'pending' OR payload_encrypted IS NULL)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sms_messages');
}
