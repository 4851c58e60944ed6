export { EntityEnvironmentsContent } from './EntityEnvironmentsContent';
