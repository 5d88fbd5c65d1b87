import { expect } from 'chai';
import { loadConfig } from '../../lib/config/config.js';
import { configProblems } from '../helpers/config-problems.js';

const problemsOf = configProblems;

describe('configuration', () => {
  it('when nothing is set, then the documented defaults apply', () => {
    const config = loadConfig({});
    expect(config.http.port).to.equal(3000);
    expect(config.realtime.port).to.equal(3001);
    expect(config.databaseUrl).to.equal('postgres://postgres@127.0.0.1:5432/invo');
    expect(config.redis.url).to.equal('redis://127.0.0.1:6379');
    expect(config.defaultLocale).to.equal('ru');
    expect(config.dispatch.offerTimeoutSeconds).to.equal(20);
    expect(config.dispatch.giveUpSeconds).to.equal(600);
    expect(config.dispatch.leadMinutes).to.equal(30);
    expect(config.dispatch.positionFreshSeconds).to.equal(120);
    expect(config.otp.maxRequestsPerPhoneHour).to.equal(5);
    expect(config.otp.maxRequestsPerIpHour).to.equal(50);
  });

  it('when several keys are bad, then each gets its own line', () => {
    const problems = problemsOf({
      PORT: 'abc',
      DEFAULT_LOCALE: 'de',
      DISPATCH_REVIEW: 'sometimes',
    });
    expect(problems).to.have.length(3);
    expect(problems.join('\n'))
      .to.match(/PORT/)
      .and.match(/DEFAULT_LOCALE/)
      .and.match(/DISPATCH_REVIEW/);
  });

  it('when production has no JWT secret, then start-up is refused', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL_TEMPLATE: 'http://x/{phone}',
    });
    expect(problems.join('\n')).to.match(/JWT_SECRET/);
  });

  it('when production uses test numbers without opting in, then start-up is refused', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL_TEMPLATE: 'http://x/{phone}',
      OTP_TEST_NUMBERS: '+77777777777:111111',
    });
    expect(problems.join('\n')).to.match(/OTP_TEST_NUMBERS/);
  });

  it('when a test number has no 6-digit code, then it is refused without echoing the number', () => {
    const problems = problemsOf({ OTP_TEST_NUMBERS: '+77777777777:12' });
    expect(problems).to.have.length(1);
    expect(problems[0]).not.to.include('77777777777');
  });

  it('when test numbers are well formed, then they are parsed', () => {
    const config = loadConfig({ OTP_TEST_NUMBERS: '+77777777777:111111, 87001112233:222222' });
    expect(config.otp.testNumbers).to.deep.equal([
      { phone: '+77777777777', code: '111111' },
      { phone: '87001112233', code: '222222' },
    ]);
  });
});
