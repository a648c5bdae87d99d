export * from '../catalogue/config-error';
export * from './platform-config';
export * from './validate-config';
export * from './load-config';
export * from './api-clients';
export * from './user-groups';
