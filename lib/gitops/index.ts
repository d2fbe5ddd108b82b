export * from './synth';
export * from './argo-application';
