import { expect } from 'chai';
import type { ParameterizedContext } from 'koa';
import { securityHeaders } from '../../api/http/middleware/security-headers.js';
import type { AppState } from '../../api/http/context.js';

async function headersFrom(isProduction: boolean): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  const ctx = { set: (name: string, value: string) => (headers[name] = value) };
  await securityHeaders(isProduction)(ctx as unknown as ParameterizedContext<AppState>, () =>
    Promise.resolve(),
  );
  return headers;
}

describe('security headers', () => {
  it('when in production, then HSTS is sent; when not, then it is not', async () => {
    expect((await headersFrom(true))['Strict-Transport-Security']).to.equal(
      'max-age=31536000; includeSubDomains',
    );
    expect(await headersFrom(false)).to.not.have.property('Strict-Transport-Security');
  });

  it('when any response is sent, then framing, sniffing and referrers are locked down', async () => {
    const headers = await headersFrom(false);
    expect(headers).to.include({
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
    });
    expect(headers['Content-Security-Policy']).to.include("object-src 'none'");
  });
});
