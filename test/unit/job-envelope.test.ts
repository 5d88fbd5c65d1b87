import { expect } from 'chai';
import { splitJobEnvelope, withRequestId } from '../../lib/queue/job-envelope.js';
import { currentRequestId, runWithRequestId } from '../../lib/logger/request-scope.js';

describe('job envelope (request id beside the ids-only payload)', () => {
  it('when a request id is given, then it is added; when not, then the payload is unchanged', () => {
    expect(withRequestId({ order_id: 'o' }, 'req-12345678')).to.deep.equal({
      order_id: 'o',
      request_id: 'req-12345678',
    });
    const payload = { order_id: 'o' };
    expect(withRequestId(payload, null)).to.equal(payload);
  });

  it('when job data is split, then the payload comes back without the envelope field', () => {
    expect(splitJobEnvelope({ sms_message_id: 4, request_id: 'req-12345678' })).to.deep.equal({
      payload: { sms_message_id: 4 },
      requestId: 'req-12345678',
    });
    expect(splitJobEnvelope({ sms_message_id: 4 })).to.deep.equal({
      payload: { sms_message_id: 4 },
      requestId: null,
    });
  });

  it('when the envelope holds something that is not a request id, then it is dropped, not trusted', () => {
    expect(splitJobEnvelope({ sms_message_id: 4, request_id: 'a b"c' })).to.deep.equal({
      payload: { sms_message_id: 4 },
      requestId: null,
    });
  });

  it('when work runs in a request scope, then the id is visible across awaits and gone after', async () => {
    const seen = await runWithRequestId('req-abcdefgh', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentRequestId();
    });
    expect(seen).to.equal('req-abcdefgh');
    expect(currentRequestId()).to.equal(null);
  });
});
