/** The contract's User shape: the account behind a passenger, a driver or a staff user. */
import type { UserModel } from '../../db/models/models.js';

export interface UserView {
  id: number;
  username: string;
  phone: string;
  role: string;
  email: string | null;
}

export const toUserView = (user: UserModel): UserView => ({
  id: user.id,
  username: user.username,
  phone: user.phone,
  role: user.role,
  email: user.email,
});
