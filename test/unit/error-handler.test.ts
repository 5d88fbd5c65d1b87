import { expect } from 'chai';
import knexFactory from 'knex';
import { errorHandler } from '../../api/http/middleware/error-handler.js';
import { AppError } from '../../lib/errors/app-error.js';

/** Runs the error middleware around a handler that throws, on a minimal context. */
async function answerFor(thrown: Error, locale: 'ru' | 'en' = 'en') {
  const headers: Record<string, string> = {};
  const ctx = {
    status: 200,
    body: undefined as unknown,
    state: { locale, log: { error: () => undefined } },
    set: (name: string, value: string) => {
      headers[name] = value;
    },
  };
  await errorHandler(ctx as never, () => Promise.reject(thrown));
  return { status: ctx.status, body: ctx.body as Record<string, unknown>, headers };
}

describe('error handler', () => {
  it('when an AppError is thrown, then its code maps to its status and a localised message', async () => {
    const res = await answerFor(
      new AppError('invalid_transition', { extra: { current_status: 'completed' } }),
      'ru',
    );
    expect(res.status).to.equal(409);
    expect(res.body).to.include({ code: 'invalid_transition', current_status: 'completed' });
    expect(res.body.error).to.equal('Недопустимая смена статуса');
  });

  it('when rate limited, then Retry-After mirrors retry_after_seconds', async () => {
    const res = await answerFor(
      new AppError('rate_limited', { extra: { retry_after_seconds: 42 } }),
    );
    expect(res.status).to.equal(429);
    expect(res.headers['Retry-After']).to.equal('42');
  });

  it('when the connection pool is exhausted, then 503, not 500', async () => {
    const res = await answerFor(
      new knexFactory.KnexTimeoutError('Knex: Timeout acquiring a connection'),
    );
    expect(res.status).to.equal(503);
    expect(res.body.code).to.equal('service_unavailable');
  });

  it('when PostgreSQL refuses connections, then 503', async () => {
    const res = await answerFor(
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    );
    expect(res.status).to.equal(503);
  });

  it('when a deadlock outlives the transaction retries, then 503, not 500 (issue 9)', async () => {
    for (const code of ['40P01', '40001']) {
      const res = await answerFor(Object.assign(new Error('deadlock detected'), { code }));
      expect(res.status).to.equal(503);
      expect(res.headers['Cache-Control']).to.equal('no-store');
    }
  });

  it('when a unique violation comes wrapped by objection, then 409', async () => {
    const res = await answerFor(
      Object.assign(new Error('duplicate'), { nativeError: { code: '23505' } }),
    );
    expect(res.status).to.equal(409);
  });

  it('when anything else is thrown, then 500 without internals', async () => {
    const res = await answerFor(new Error('secret internals'));
    expect(res.status).to.equal(500);
    expect(JSON.stringify(res.body)).not.to.include('secret internals');
  });
});
