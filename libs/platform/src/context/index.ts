export * from './request-context';
export * from './requester-privacy';
