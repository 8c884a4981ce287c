export { type DomainCounter, type DomainCounterLabel, OTHER_LABEL_VALUE } from './domain-counters';
