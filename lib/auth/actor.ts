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

export const isStaff = (actor: Actor): boolean =>
  actor.role === 'dispatcher' || actor.role === 'admin';

export const actorUserId = (actor: Actor): number | null =>
  actor.kind === 'user' ? actor.userId : null;
