/** Input schemas of the staff account back office. */
import * as yup from 'yup';
import { bodyObject } from '../validation/parse-input.js';
import { emailField } from '../validation/fields.js';
import { listQuery } from '../pagination/paginate.js';
import { staffRoles } from '../auth/actor.js';

const fullName = () => yup.string().trim().min(1).max(200).nullable();

export const createStaffUserSchema = bodyObject({
  phone: yup.string().required(),
  role: yup.string().oneOf(staffRoles).required(),
  email: emailField(),
  full_name: fullName(),
});

export const updateStaffUserSchema = bodyObject({
  role: yup.string().oneOf(staffRoles),
  email: emailField(),
  full_name: fullName(),
  /** `true` reactivates; deactivating goes through DELETE. */
  is_active: yup.boolean().oneOf([true], 'Use DELETE to deactivate'),
});

export const staffUserListQuery = listQuery({
  role: yup.string().oneOf(staffRoles),
  include_inactive: yup.boolean(),
});

export type CreateStaffUserInput = yup.InferType<typeof createStaffUserSchema>;
export type UpdateStaffUserInput = yup.InferType<typeof updateStaffUserSchema>;
