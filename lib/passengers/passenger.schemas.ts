/** Passenger profile values and the input schemas of the passenger endpoints. */
import * as yup from 'yup';
import { listQuery } from '../pagination/paginate.js';
import { bodyObject } from '../validation/parse-input.js';
import { emailField } from '../validation/fields.js';

export const disabilityCategories = [
  'I группа',
  'II группа',
  'III группа',
  'Ребенок-инвалид',
] as const;
/** `wheelchair`: travels seated in a wheelchair and needs an accessible vehicle. */
export const mobilityAids = ['none', 'cane_or_walker', 'folding_wheelchair', 'wheelchair'] as const;

const profileFields = {
  full_name: yup.string().trim().min(1).max(200),
  region_id: yup.string().max(64),
  disability_category: yup.string().oneOf(disabilityCategories),
  allowed_companion: yup.boolean(),
  mobility_aid: yup.string().oneOf(mobilityAids),
};

/** What a passenger may change about themself; anything else is a 400 by name. */
export const updateOwnPassengerSchema = bodyObject(profileFields);

export const createPassengerSchema = bodyObject({
  ...profileFields,
  phone: yup.string().required(),
  email: emailField(),
  full_name: profileFields.full_name.required(),
  region_id: profileFields.region_id.required(),
  disability_category: profileFields.disability_category.required(),
});

/** Admin edits; `is_active: true` reactivates (DELETE deactivates). */
export const updatePassengerSchema = bodyObject({
  ...profileFields,
  phone: yup.string(),
  email: emailField(),
  is_active: yup.boolean().oneOf([true], 'Use DELETE to deactivate'),
});

export const passengerListQuery = listQuery({
  phone: yup.string().meta({ description: 'Any spelling; normalised like the login' }),
  region_id: yup.string().max(64),
  include_inactive: yup.boolean(),
});

export type UpdateOwnPassengerInput = yup.InferType<typeof updateOwnPassengerSchema>;
export type CreatePassengerInput = yup.InferType<typeof createPassengerSchema>;
export type UpdatePassengerInput = yup.InferType<typeof updatePassengerSchema>;
export type PassengerListQuery = yup.InferType<typeof passengerListQuery>;
