// The public surface a forker imports: configuration, constructs, stacks, the platform builder and the gate.
export * from './config';
export * from './catalogue/service-catalogue';
export * from './catalogue/validate-catalogue';
export * from './constructs/platform-keys';
export * from './constructs/central-logging';
export * from './constructs/secure-vpc';
export * from './stacks/keys-stack';
export * from './stacks/logging-stack';
export * from './stacks/network-stack';
export * from './platform';
export * from './app';
export * from './compliance/acknowledgements';
export * from './compliance/compliance-gate';
