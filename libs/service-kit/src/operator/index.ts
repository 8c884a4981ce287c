export * from './operator-command';
export * from './operator-main';
export * from './operator-command-groups';
