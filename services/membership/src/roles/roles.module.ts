import { Module } from '@nestjs/common';
import { optionsFromEnvironment } from '@mutuo/service-kit';
import { PodRolesHandler } from './pod-roles.handler';
import { ROLE_SCHEDULER_OPTIONS, roleSchedulerOptionsFrom } from './role-scheduler.options';
import { RoleTermScheduler } from './role-term.scheduler';
import { RoleQueries } from '../shared/role.queries';

const providers = [optionsFromEnvironment(ROLE_SCHEDULER_OPTIONS, roleSchedulerOptionsFrom), PodRolesHandler, RoleQueries, RoleTermScheduler];

/** Rotating roles: commands, the term scheduler and the role read models' queries. */
@Module({ providers, exports: [PodRolesHandler, RoleQueries, RoleTermScheduler] })
export class RolesModule {}
