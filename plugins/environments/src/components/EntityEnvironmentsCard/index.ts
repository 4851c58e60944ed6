export { EntityEnvironmentsCard } from './EntityEnvironmentsCard';
