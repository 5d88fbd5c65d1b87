/** Input schemas of the region back office. Ranges are checked here, before any write. */
import * as yup from 'yup';
import { bodyObject } from '../validation/parse-input.js';

const latitude = () => yup.number().min(-90).max(90);
const longitude = () => yup.number().min(-180).max(180);

/** `[[lat, lon], …]`: at least three points, each a pair within range. */
const polygon = () =>
  yup
    .array()
    .of(yup.array().of(yup.number().required()).required())
    .min(3, 'A polygon needs at least 3 points')
    .nullable()
    // Runs even when the element rules above failed (abortEarly: false), so it must not
    // trust the shape: `[null]` reached `p.length` and was a 500 before issue 9.
    .test('points-in-range', 'Each point must be [lat, lon] within range', (points) =>
      (points ?? []).every(
        (p: unknown) =>
          Array.isArray(p) &&
          p.length === 2 &&
          p.every((n: unknown) => typeof n === 'number') &&
          Math.abs(p[0] as number) <= 90 &&
          Math.abs(p[1] as number) <= 180,
      ),
    );

const radius = () =>
  yup.number().integer().positive('The service radius must be positive').nullable();

const editable = {
  title: yup.string().trim().min(1).max(200),
  center_lat: latitude(),
  center_lon: longitude(),
  polygon_coordinates: polygon(),
  service_radius_meters: radius(),
};

export const createRegionSchema = bodyObject({
  id: yup
    .string()
    .matches(/^[a-z0-9_]+$/, 'Use lower-case letters, digits and _')
    .max(64)
    .required(),
  ...editable,
  title: editable.title.required(),
  center_lat: editable.center_lat.required(),
  center_lon: editable.center_lon.required(),
});

/** `is_active: true` brings a deactivated region back. */
export const updateRegionSchema = bodyObject({
  ...editable,
  is_active: yup.boolean().oneOf([true], 'Use DELETE to deactivate'),
});

export type CreateRegionInput = yup.InferType<typeof createRegionSchema>;
export type UpdateRegionInput = yup.InferType<typeof updateRegionSchema>;

export const regionIdParam = /^[a-z0-9_]{1,64}$/;
