/** Who is acting: an authenticated user (with their profile ids) or the system itself. */
export type UserRole = 'passenger' | 'driver' | 'dispatcher' | 'admin';

export interface UserActor {
  kind: 'user';
  userId: number;
  role: UserRole;
  sessionId: string;
  passengerId: number | null;
  driverId: number | null;
}

export interface SystemActor {
  kind: 'system';
  role: 'system';
}

export type Actor = UserActor | SystemActor;

export const systemActor: SystemActor = { kind: 'system', role: 'system' };

/**
 * Who is staff, the one definition: dispatchers and admins see every order, driver and
 * passenger, join the staff room and use the back office; admins alone also manage.
 */
export const staffRoles = ['dispatcher', 'admin'] as const satisfies readonly UserRole[];
export type StaffRole = (typeof staffRoles)[number];

export const isStaffRole = (role: string): role is StaffRole =>
  (staffRoles as readonly string[]).includes(role);

export const isStaff = (actor: Actor): boolean => isStaffRole(actor.role);

export const actorUserId = (actor: Actor): number | null =>
  actor.kind === 'user' ? actor.userId : null;
