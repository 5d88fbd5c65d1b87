import { expect } from 'chai';
import sinon from 'sinon';
import { TimeoutError, withTimeout } from '../../lib/process/with-timeout.js';

describe('withTimeout', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => clock.restore());

  it('when the work settles in time, then its value is returned and the timer is cleared', async () => {
    const value = await withTimeout(1000, 'ping', () => Promise.resolve(42));
    expect(value).to.equal(42);
    expect(clock.countTimers()).to.equal(0);
  });

  it('when the work fails in time, then its own error is passed on and the timer is cleared', async () => {
    const error = await withTimeout(1000, 'ping', () => Promise.reject(new Error('refused'))).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as Error).message).to.equal('refused');
    expect(clock.countTimers()).to.equal(0);
  });

  it('when the work does not settle in time, then a TimeoutError rejects and the signal aborts with it', async () => {
    let seen: AbortSignal | undefined;
    const pending = withTimeout(500, 'queue add', (signal) => {
      seen = signal;
      return new Promise<never>(() => undefined);
    });
    const outcome = pending.then(
      () => null,
      (e: unknown) => e,
    );
    await clock.tickAsync(499);
    expect(seen?.aborted).to.equal(false);
    await clock.tickAsync(1);
    const error = await outcome;
    expect(error).to.be.instanceOf(TimeoutError);
    expect((error as TimeoutError).message).to.equal('queue add timed out after 500 ms');
    expect(seen?.aborted).to.equal(true);
    expect(seen?.reason).to.equal(error);
    expect(clock.countTimers()).to.equal(0);
  });

  it('when abandoned work rejects later, then the rejection is not left unhandled', async () => {
    const unhandled = sinon.spy();
    process.on('unhandledRejection', unhandled);
    try {
      let fail: (e: Error) => void = () => undefined;
      const outcome = withTimeout(
        10,
        'late',
        () => new Promise<never>((_, reject) => (fail = reject)),
      ).catch((e: unknown) => e);
      await clock.tickAsync(10);
      expect(await outcome).to.be.instanceOf(TimeoutError);
      fail(new Error('too late'));
      await clock.runAllAsync();
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled.called).to.equal(false);
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('when no limit is given, then the work runs without a timer', async () => {
    const pending = withTimeout(null, 'job', () => Promise.resolve('done'));
    expect(clock.countTimers()).to.equal(0);
    expect(await pending).to.equal('done');
  });
});
