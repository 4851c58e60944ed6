/**
 * Environments for Backstage: what runs where, and promotions through Git.
 *
 * @packageDocumentation
 */

export { environmentsPlugin as default } from './plugin';
export { environmentsApiRef } from './api';
export { EntityEnvironmentsContent } from './components/EntityEnvironmentsContent';
export { EntityEnvironmentsCard } from './components/EntityEnvironmentsCard';
export { EnvironmentMatrix } from './components/EnvironmentMatrix';
export { PortfolioPage } from './components/PortfolioPage';
