export type {
  EnvironmentsApi,
  EnvironmentsRequestOptions,
} from './EnvironmentsApi';
export { EnvironmentsClient } from './EnvironmentsClient';
