import { expect } from 'chai';
import {
  gini,
  lorenzCurve,
  mean,
  percentile,
  shareAtMost,
} from '../../lib/quality/dispatch-metrics.js';

describe('dispatch quality metrics', () => {
  it('when values are given, then percentiles interpolate between neighbours', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).to.equal(2.5);
    expect(percentile([10, 20, 30, 40, 50], 0.9)).to.be.closeTo(46, 1e-9);
    expect(percentile([7], 0.9)).to.equal(7);
    expect(percentile([], 0.5)).to.equal(null);
  });

  it('when nothing is measured, then mean and share are null rather than zero', () => {
    expect(mean([])).to.equal(null);
    expect(shareAtMost([], 5)).to.equal(null);
    expect(mean([1, 2, 6])).to.equal(3);
  });

  it('when unserved requests count in the total, then the share falls', () => {
    expect(shareAtMost([1, 2, 20], 15)).to.be.closeTo(2 / 3, 1e-9);
    expect(shareAtMost([1, 2, 20], 15, 6)).to.be.closeTo(1 / 3, 1e-9);
  });

  it('when trips are even, Gini is 0; when one driver has all, it tends to 1', () => {
    expect(gini([3, 3, 3, 3])).to.equal(0);
    expect(gini([0, 0, 0, 12])).to.be.closeTo(0.75, 1e-9);
    expect(gini([0, 0])).to.equal(0);
    expect(gini([1, 2, 3, 4, 5])).to.be.closeTo(4 / 15, 1e-9);
    expect(gini([])).to.equal(null);
  });

  it('when the Lorenz curve is drawn, then it runs from (0,0) to (1,1) and never decreases', () => {
    const curve = lorenzCurve([0, 1, 1, 2, 6, 0, 3], 4);
    expect(curve[0]).to.deep.equal([0, 0]);
    expect(curve.at(-1)).to.deep.equal([1, 1]);
    for (let i = 1; i < curve.length; i++) {
      const [x, y] = curve[i] ?? [0, 0];
      const [px, py] = curve[i - 1] ?? [0, 0];
      expect(x).to.be.greaterThan(px);
      expect(y).to.be.at.least(py);
      expect(y).to.be.at.most(x + 1e-12);
    }
  });
});
