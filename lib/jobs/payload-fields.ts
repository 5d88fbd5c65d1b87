/** Field schemas shared by job payloads: ids, and the order version a delivery carries. */
import * as yup from 'yup';

export const orderIdField = () =>
  yup
    .string()
    .matches(/^order_[0-9A-Z]{26}$/)
    .required();

/** A serial row id (offers, SMS messages). */
export const positiveIdField = () => yup.number().integer().positive().required();

/** `orders.version`: starts at 1 and grows by one per change (orders_version_positive). */
export const orderVersionField = () => yup.number().integer().min(1).required();
