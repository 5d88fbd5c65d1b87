import { expect } from 'chai';
import { assignmentReason } from '../../lib/dispatch/answer-offer.js';
import { searchDeadline } from '../../lib/dispatch/dispatch-policy.js';
import { toOfferView } from '../../lib/dispatch/offer-view.js';
import { testConfig } from '../helpers/test-env.js';
import { matchOrderJob } from '../../lib/jobs/match-order.job.js';
import { jobRetryOptions } from '../../lib/jobs/registry.js';
import type { OfferRow } from '../../db/repositories/offer.repository.js';
import {
  checkOrderChain,
  driverHoldsOf,
  overlappingHolds,
  type EventRow,
} from '../helpers/dispatch-history.js';

describe('matching: pure parts', () => {
  describe('searchDeadline', () => {
    const started = new Date('2026-11-26T10:00:00Z');
    const cases: [string, Date | null, string][] = [
      ['when the order is wanted now, then the give-up time', null, '2026-11-26T10:10:00.000Z'],
      [
        'when the pickup is after the give-up time, then the pickup time',
        new Date('2026-11-26T10:30:00Z'),
        '2026-11-26T10:30:00.000Z',
      ],
      [
        'when the pickup is before the give-up time, then the give-up time',
        new Date('2026-11-26T10:05:00Z'),
        '2026-11-26T10:10:00.000Z',
      ],
    ];
    for (const [name, pickup, expected] of cases) {
      it(name, () => {
        expect(searchDeadline(started, pickup, 600).toISOString()).to.equal(expected);
      });
    }
  });

  describe('assignmentReason', () => {
    it('when rank, distance and trips are known, then all three are named', () => {
      expect(assignmentReason({ rank: 1, distance_m: 1234 }, 0)).to.equal(
        'engine: rank 1, 1.2 km, 0 trips today',
      );
    });
    it('when the trips are unknown, then they are left out', () => {
      expect(assignmentReason({ rank: 2, distance_m: null })).to.equal('engine: rank 2');
    });
  });

  describe('toOfferView', () => {
    const offer = {
      id: 7,
      order_id: 'order_X',
      driver_id: 3,
      status: 'pending',
      created_at: new Date('2026-11-26T10:00:00Z'),
      expires_at: new Date('2026-11-26T10:00:20Z'),
      distance_m: 1234.6,
      order: {
        pickup_title: 'Home',
        dropoff_title: 'Clinic',
        pickup_lat: 47.1,
        pickup_lon: 51.9,
        desired_pickup_time: null,
        has_companion: true,
        needs_wheelchair_access: true,
        passenger: { id: 5, full_name: 'A. B.', disability_category: 'I группа' },
      },
    } as unknown as OfferRow;

    it('when pending, then it counts down and names only the passenger', () => {
      const view = toOfferView(offer, new Date('2026-11-26T10:00:05.5Z'));
      expect(view.expires_in_seconds).to.equal(15);
      expect(view.distance_m).to.equal(1235);
      expect(view.passenger).to.deep.equal({ id: 5, full_name: 'A. B.' });
      expect(JSON.stringify(view)).not.to.include('группа');
    });
    it('when closed or past due, then nothing is left to count', () => {
      expect(toOfferView(offer, new Date('2026-11-26T10:01:00Z')).expires_in_seconds).to.equal(0);
      const closed = { ...offer, status: 'declined' } as OfferRow;
      expect(toOfferView(closed, offer.created_at).expires_in_seconds).to.equal(0);
    });
  });

  describe('waiting and retry policy of the match job', () => {
    it('when no driver is free, then it waits the backoff ±20 %, spread; faults get a few tries', () => {
      const config = testConfig({ DISPATCH_RETRY_BACKOFF_MS: '5000' });
      const waits = Array.from({ length: 200 }, () => matchOrderJob.retryLaterMs?.(config) ?? 0);
      expect(Math.min(...waits)).to.be.at.least(4000);
      expect(Math.max(...waits)).to.be.at.most(6000);
      expect(new Set(waits).size).to.be.greaterThan(50);
      // "No driver yet" uses no attempt, so attempts only need to cover real faults.
      expect(jobRetryOptions('dispatch.match-order', config).attempts).to.equal(30);
    });
  });

  describe('history replay (the invariant checker itself)', () => {
    const event = (
      id: number,
      order: string,
      version: number,
      from: string | null,
      to: string,
      driver?: number,
    ): EventRow => ({
      id,
      order_id: order,
      version,
      from_status: from,
      to_status: to,
      data: driver === undefined ? null : { driver_id: driver },
    });
    const orderA = [
      event(1, 'A', 1, null, 'submitted'),
      event(2, 'A', 2, 'submitted', 'matching'),
      event(3, 'A', 3, 'matching', 'offered', 9),
      event(6, 'A', 4, 'offered', 'matching', 9),
    ];

    it('when one driver is offered two orders one after the other, then no problem', () => {
      const orderB = [
        event(4, 'B', 1, null, 'submitted'),
        event(5, 'B', 2, 'submitted', 'matching'),
        event(7, 'B', 3, 'matching', 'offered', 9),
      ];
      const problems: string[] = [];
      const holds = [...driverHoldsOf(orderA, problems), ...driverHoldsOf(orderB, problems)];
      expect([...problems, ...overlappingHolds(holds)]).to.deep.equal([]);
    });
    it('when a second order is offered to the driver before the first let go, then it is caught', () => {
      const orderB = [
        event(4, 'B', 1, null, 'submitted'),
        event(5, 'B', 2, 'submitted', 'matching'),
        event(5.5, 'B', 3, 'matching', 'offered', 9),
      ];
      const problems: string[] = [];
      const holds = [...driverHoldsOf(orderA, problems), ...driverHoldsOf(orderB, problems)];
      expect(overlappingHolds(holds)).to.have.length(1);
    });
    it('when a version is skipped or a step is illegal, then the chain check says so', () => {
      const gap = [orderA[0]!, { ...orderA[1]!, version: 3 }];
      expect(checkOrderChain({ id: 'A', status: 'matching', version: 3 }, gap)).not.to.be.empty;
      const illegal = [orderA[0]!, event(2, 'A', 2, 'submitted', 'completed')];
      expect(checkOrderChain({ id: 'A', status: 'completed', version: 2 }, illegal)).not.to.be
        .empty;
      expect(checkOrderChain({ id: 'A', status: 'matching', version: 4 }, orderA)).to.deep.equal(
        [],
      );
    });
  });
});
