/***/
/**
 * The environments-collator module for @backstage/plugin-search-backend
 *
 * @packageDocumentation
 */

export { searchModuleEnvironments as default } from './module';
