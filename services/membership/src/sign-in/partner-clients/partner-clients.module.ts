import { Module } from '@nestjs/common';
import { RolesModule } from '../../roles/roles.module';
import { SignInModule } from '../sign-in.module';
import { PartnerClientHandler } from './partner-client.handler';
import { PartnerClientQueries } from './partner-client.queries';

const services = [PartnerClientQueries, PartnerClientHandler];

/** Partner apps: registration and revocation by coordinators, and what the token endpoint reads. */
@Module({ imports: [SignInModule, RolesModule], providers: services, exports: services })
export class PartnerClientsModule {}
