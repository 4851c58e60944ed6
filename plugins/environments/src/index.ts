export { environmentsPlugin as default } from './plugin';
