/**
 * The environments module for @backstage/plugin-scaffolder-backend.
 *
 * @packageDocumentation
 */

export { scaffolderModuleEnvironments as default } from './module';
export { createPromoteAction } from './actions/promote';
export { createCreateEnvironmentAction } from './actions/create';
