/**
 * How simulated drivers answer an offer: accept, decline or not at all (the offer expires),
 * after 0.5–1.5 × the mean response time — seeded draws, two per offer, in a fixed order so
 * a run is reproducible. A script replaces the draws in the fidelity test.
 */
import type { DriverBehaviour } from './sim-model.js';

export type Answer = { kind: 'accept' | 'decline' | 'ignore'; afterMs: number };

export function driverAnswers(behaviour: DriverBehaviour, random: () => number) {
  return (requestId: number, driverId: number): Answer => {
    if (behaviour.script) {
      return {
        kind: behaviour.script(requestId, driverId),
        afterMs: behaviour.responseSeconds * 1000,
      };
    }
    const draw = random();
    const afterMs = behaviour.responseSeconds * 1000 * (0.5 + random());
    const kind =
      draw < behaviour.acceptProbability
        ? 'accept'
        : draw < behaviour.acceptProbability + behaviour.declineProbability
          ? 'decline'
          : 'ignore';
    return { kind, afterMs };
  };
}
