/** Who is acting: an authenticated user (with their profile ids) or the system itself. */
export const userRoles = ['passenger', 'driver', 'dispatcher', 'admin'] as const;
export type UserRole = (typeof userRoles)[number];

export interface UserActor {
  kind: 'user';
  userId: number;
  role: UserRole;
  sessionId: string;
  passengerId: number | null;
  driverId: number | null;
}

/**
 * The system itself: the job processors, schedules and the recovery sweep, and the engine
 * when a dispatcher starts it by hand (the dispatcher's own step is recorded as theirs).
 * What records "who" reads it the same way as a user: order events store its `role`
 * ('system', allowed by the `actor_role` check) and `actorUserId` is null for it (the audit
 * log's `actor_user_id`). Its role is no `UserRole`, so no role or staff check can pass for
 * it, and use cases scoped to a user take `UserActor`, which the compiler refuses it as.
 */
export interface SystemActor {
  readonly kind: 'system';
  readonly role: 'system';
}

export type Actor = UserActor | SystemActor;

/** The one system actor; job and schedule use cases take it (`actor: SystemActor`). */
export const systemActor: SystemActor = Object.freeze({ kind: 'system', role: 'system' });

/**
 * Who is staff, the one definition: dispatchers and admins see every order, driver and
 * passenger, join the staff room and use the back office; admins alone also manage.
 */
export const staffRoles = ['dispatcher', 'admin'] as const satisfies readonly UserRole[];
export type StaffRole = (typeof staffRoles)[number];

export const isStaffRole = (role: string): role is StaffRole =>
  (staffRoles as readonly string[]).includes(role);

export const isStaff = (actor: Actor): boolean => actor.kind === 'user' && isStaffRole(actor.role);

export const actorUserId = (actor: Actor): number | null =>
  actor.kind === 'user' ? actor.userId : null;
