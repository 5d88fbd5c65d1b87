/** Field schemas shared by job payloads (ids only). */
import * as yup from 'yup';

export const orderIdField = () =>
  yup
    .string()
    .matches(/^order_[0-9A-Z]{26}$/)
    .required();

export const positiveIdField = () => yup.number().integer().positive().required();
