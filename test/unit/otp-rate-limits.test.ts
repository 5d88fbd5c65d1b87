import { expect } from 'chai';
import { Redis } from 'ioredis';
import {
  backoffSeconds,
  createOtpRateLimits,
  maxBackoffSeconds,
} from '../../lib/auth/otp-rate-limits.js';
import { AppError } from '../../lib/errors/app-error.js';
import { testConfig } from '../helpers/test-env.js';

describe('OTP rate limits when Redis is down', () => {
  it('when Redis does not answer, then the limits fail closed with 503 service_unavailable', async () => {
    // Nothing listens on port 1; no offline queue, so the command fails at once.
    const redis = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      const limits = createOtpRateLimits(redis, testConfig());
      const error = await limits.consume('request', '+77015551234', '10.0.0.1').then(
        () => expect.fail('should have failed'),
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(AppError);
      expect((error as AppError).code).to.equal('service_unavailable');
    } finally {
      redis.disconnect();
    }
  });
});

describe('OTP backoff per phone and client', () => {
  it('when failures pass the free tries, then the wait doubles up to its ceiling', () => {
    const waits = [1, 5, 6, 7, 8, 9, 30].map((failures) => backoffSeconds(failures, 5));
    expect(waits).to.deep.equal([0, 0, 1, 2, 4, 8, maxBackoffSeconds]);
  });
});
