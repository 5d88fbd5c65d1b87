/** Input schemas of the driver endpoints and their back office. */
import * as yup from 'yup';
import { listQuery } from '../pagination/paginate.js';
import { bodyObject } from '../validation/parse-input.js';
import { emailField } from '../validation/fields.js';
import { driverStatuses } from './driver-status.js';

/** `is_online` must be a JSON boolean: `"false"` is a 400, never read as true. */
export const onlineStatusSchema = bodyObject({ is_online: yup.boolean().required() });

const vehicleFields = {
  name: yup.string().trim().min(1).max(200),
  region_id: yup.string().max(64),
  car_model: yup.string().trim().min(1).max(100),
  plate_number: yup.string().trim().min(2).max(20),
  capacity: yup.number().integer().min(1).max(20),
  wheelchair_accessible: yup.boolean(),
};

export const createDriverSchema = bodyObject({
  ...vehicleFields,
  phone: yup.string().required(),
  email: emailField(),
  name: vehicleFields.name.required(),
  region_id: vehicleFields.region_id.required(),
  car_model: vehicleFields.car_model.required(),
  plate_number: vehicleFields.plate_number.required(),
  capacity: vehicleFields.capacity.required(),
});

/** Admin edits; `is_active: true` reactivates (DELETE deactivates). */
export const updateDriverSchema = bodyObject({
  ...vehicleFields,
  phone: yup.string(),
  email: emailField(),
  is_active: yup.boolean().oneOf([true], 'Use DELETE to deactivate'),
});

export const driverListQuery = listQuery({
  is_online: yup.boolean(),
  status: yup.string().oneOf(driverStatuses),
  region_id: yup.string().max(64),
  include_inactive: yup.boolean(),
});

export type CreateDriverInput = yup.InferType<typeof createDriverSchema>;
export type UpdateDriverInput = yup.InferType<typeof updateDriverSchema>;
export type DriverListQuery = yup.InferType<typeof driverListQuery>;
