import { Module } from '@nestjs/common';
import { OpenPodAccountsWhenPodCreated } from './open-pod-accounts/open-pod-accounts-when-pod-created.handler';
import { PodAccountsQueries } from './pod-accounts/pod-accounts.queries';

@Module({
  controllers: [OpenPodAccountsWhenPodCreated],
  providers: [PodAccountsQueries],
  exports: [PodAccountsQueries],
})
export class FundsModule {}
