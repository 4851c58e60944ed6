export type {
  EnvironmentsApi,
  EnvironmentsRequestOptions,
  PortfolioRequest,
} from './EnvironmentsApi';
export { EnvironmentsClient } from './EnvironmentsClient';
