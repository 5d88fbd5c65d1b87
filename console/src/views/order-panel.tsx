/**
 * One order: its details and timeline, the engine's candidates with each ranking factor in
 * words, and the dispatcher's actions (assign, run the engine now, approve or reject in
 * manual review, cancel with a reason). The outcome of each action is said in a live region.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, get } from '../api.js';
import { useConsole, useTopic } from '../context.js';
import { fill } from '../i18n.js';
import { refusalOf, type Outcome } from '../outcome.js';
import type { OrderCandidatesView, OrderEventView, OrderView, RankedCandidate } from '../types.js';

interface Props {
  orderId: string;
  onClose: () => void;
}

interface AssignAnswer {
  success: boolean;
  driver_id?: number | null;
  reason?: string | null;
  status?: string;
  order: OrderView;
}

export function OrderPanel({ orderId, onClose }: Props) {
  const { t, store } = useConsole();
  useTopic(store, 'orders');
  const heading = useRef<HTMLHeadingElement>(null);
  const [order, setOrder] = useState<OrderView | null>(store.orders.get(orderId) ?? null);
  const [events, setEvents] = useState<OrderEventView[]>([]);
  const [candidates, setCandidates] = useState<OrderCandidatesView | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const live = store.orders.get(orderId);
  const version = live?.version ?? order?.version ?? 0;

  useEffect(() => heading.current?.focus(), [orderId]);
  useEffect(() => setOutcome(null), [orderId]);

  // Re-read the order, its history and its candidates whenever it changes.
  useEffect(() => {
    let stale = false;
    void Promise.all([
      get<OrderView>(`/api/orders/${orderId}/`),
      get<{ results: OrderEventView[] }>(`/api/orders/${orderId}/events/`),
      get<OrderCandidatesView>(`/api/dispatch/candidates/${orderId}/`).catch(() => null),
    ]).then(([fresh, history, ranked]) => {
      if (stale) return;
      setOrder(fresh);
      setEvents(history.results);
      setCandidates(ranked);
    });
    return () => {
      stale = true;
    };
  }, [orderId, version]);

  const act = async (work: () => Promise<Outcome>) => {
    setBusy(true);
    try {
      setOutcome(await work());
    } catch (e: unknown) {
      setOutcome(refusalOf(t, e));
    } finally {
      setBusy(false);
    }
  };

  const assign = (candidate: RankedCandidate) =>
    act(async () => {
      const { body } = await call<AssignAnswer>('POST', `/api/dispatch/assign/${orderId}/`, {
        driver_id: candidate.driver_id,
      });
      store.upsertOrder(body.order);
      return { kind: 'done', text: fill(t.assigned, { name: candidate.name }) };
    });

  const runEngine = () =>
    act(async () => {
      const { status, body } = await call<AssignAnswer>(
        'POST',
        `/api/dispatch/assign/${orderId}/`,
        {},
      );
      store.upsertOrder(body.order);
      if (status === 202) return { kind: 'pending', text: t.stillMatching };
      return {
        kind: 'done',
        text: fill(t.engineDecided, { reason: body.reason ?? body.order.status_display }),
      };
    });

  const changeStatus = (to: string, done: string, needsReason: boolean) =>
    act(async () => {
      if (needsReason && reason.trim() === '') return { kind: 'refused', text: t.reasonRequired };
      const { body } = await call<OrderView>('PATCH', `/api/orders/${orderId}/status/`, {
        status: to,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
      store.upsertOrder(body);
      setReason('');
      return { kind: 'done', text: done };
    });

  const shown = live ?? order;
  const inReview = shown?.status === 'awaiting_dispatcher_decision';
  const approveTo =
    shown?.desired_pickup_time && Date.parse(shown.desired_pickup_time) > Date.now() + 3600_000
      ? 'active_queue'
      : 'matching';

  return (
    <section class="order-panel" aria-labelledby="order-heading">
      <div class="panel-head">
        <h2 id="order-heading" tabIndex={-1} ref={heading}>
          {shown ? shown.pickup_title : fill(t.orderPanel, { id: orderId })}
        </h2>
        <button type="button" onClick={onClose}>
          {t.closePanel}
        </button>
      </div>
      <p role="status" class={outcome ? `outcome ${outcome.kind}` : 'outcome'}>
        {outcome?.text}
      </p>
      {!shown ? (
        <p>{t.loading}</p>
      ) : (
        <>
          <dl class="facts">
            <dt>{t.status}</dt>
            <dd>{t.statusNames[shown.status] ?? shown.status_display}</dd>
            <dt>{t.pickup}</dt>
            <dd>{shown.pickup_title}</dd>
            <dt>{t.dropoff}</dt>
            <dd>{shown.dropoff_title}</dd>
            <dt>{t.passenger}</dt>
            <dd>{shown.passenger?.full_name ?? '—'}</dd>
            <dt>{t.desiredTime}</dt>
            <dd>
              {shown.desired_pickup_time
                ? new Date(shown.desired_pickup_time).toLocaleString()
                : t.asap}
            </dd>
            {shown.has_companion && <dd>{t.companion}</dd>}
            {shown.needs_wheelchair_access && <dd>♿ {t.needsAccessible}</dd>}
          </dl>

          <section aria-label={t.candidates} class="candidates">
            <h3>{t.candidates}</h3>
            {!candidates || candidates.candidates.length === 0 ? (
              <p class="note">{candidates?.rejection_reason ?? t.candidatesNone}</p>
            ) : (
              <ol>
                {candidates.candidates.map((c) => (
                  <li key={c.driver_id}>
                    <span class="name" id={`candidate-${c.driver_id}`}>
                      {c.rank}. {c.name}
                      {c.wheelchair_accessible && ' ♿'}
                    </span>
                    <span class="small">
                      {' '}
                      {c.car_model} · {(c.distance_m / 1000).toFixed(1)} km ·{' '}
                      {fill(t.score, { score: c.score.toFixed(3) })}
                    </span>
                    <ul class="factors" aria-label={t.factors}>
                      <li>{c.region_match ? t.factorRegion : t.factorOtherRegion}</li>
                      {c.held_for_accessibility && <li>{t.factorHeld}</li>}
                      <li>
                        {c.within_fairness_margin
                          ? fill(t.factorFairness, { trips: c.trips_today })
                          : fill(t.factorDistance, { km: (c.distance_m / 1000).toFixed(1) })}
                      </li>
                    </ul>
                    <button
                      type="button"
                      disabled={busy}
                      aria-describedby={`candidate-${c.driver_id}`}
                      onClick={() => void assign(c)}
                    >
                      {t.assign}
                    </button>
                  </li>
                ))}
              </ol>
            )}
          </section>

          <section aria-label={t.actions} class="actions">
            <h3>{t.actions}</h3>
            <button type="button" disabled={busy} onClick={() => void runEngine()}>
              {t.runEngine}
            </button>
            <label for="action-reason">{t.reason}</label>
            <textarea
              id="action-reason"
              rows={2}
              value={reason}
              onInput={(e) => setReason(e.currentTarget.value)}
            />
            {inReview && (
              <>
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => void changeStatus(approveTo, t.approved, false)}
                >
                  {t.approve}
                </button>
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => void changeStatus('rejected', t.rejected, true)}
                >
                  {t.reject}
                </button>
              </>
            )}
            <button
              type="button"
              class="danger"
              disabled={busy}
              onClick={() => void changeStatus('cancelled', t.cancelled, true)}
            >
              {t.cancelOrder}
            </button>
          </section>

          <section aria-label={t.timeline} class="timeline">
            <h3>{t.timeline}</h3>
            <ol>
              {events.map((event) => (
                <li key={event.id}>
                  <time dateTime={event.created_at}>
                    {new Date(event.created_at).toLocaleTimeString()}
                  </time>{' '}
                  {event.from_status
                    ? `${t.statusNames[event.from_status] ?? event.from_status} → `
                    : ''}
                  <strong>{t.statusNames[event.to_status] ?? event.to_status}</strong>
                  <span class="small"> · {event.actor_role}</span>
                  {event.reason && <div class="small">{event.reason}</div>}
                </li>
              ))}
            </ol>
          </section>
        </>
      )}
    </section>
  );
}
