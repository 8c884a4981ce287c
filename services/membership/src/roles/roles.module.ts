import { Module } from '@nestjs/common';
import { Clock, SERVICE_ENV, SystemClock } from '@mutuo/service-kit';
import { PodRolesHandler } from './pod-roles.handler';
import { ROLE_SCHEDULER_OPTIONS, roleSchedulerOptionsFrom } from './role-scheduler.options';
import { RoleTermScheduler } from './role-term.scheduler';
import { RoleQueries } from '../shared/role.queries';

const providers = [
  { provide: Clock, useClass: SystemClock },
  { provide: ROLE_SCHEDULER_OPTIONS, useFactory: (env: NodeJS.ProcessEnv) => roleSchedulerOptionsFrom(env), inject: [SERVICE_ENV] },
  PodRolesHandler,
  RoleQueries,
  RoleTermScheduler,
];

/** Rotating roles: commands, the term scheduler and the role read models' queries. */
@Module({ providers, exports: [Clock, PodRolesHandler, RoleQueries, RoleTermScheduler] })
export class RolesModule {}
