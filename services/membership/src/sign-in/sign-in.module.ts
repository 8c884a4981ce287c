import { Module } from '@nestjs/common';
import { MemberSettingsModule } from '../member-settings/member-settings.module';
import { RolesModule } from '../roles/roles.module';
import { TokensModule } from './tokens/tokens.module';
import { ContactVerificationHandler } from './contact-verification.handler';
import { OneTimeCodes } from './one-time-codes';
import { SignInRateLimits } from './rate-limits';
import { SignInDirectory } from './sign-in-directory.queries';
import { SignInHousekeeping } from './sign-in-housekeeping';
import { SignInHandler } from './sign-in.handler';
import { SignInRequesters } from './sign-in-requesters';

const services = [SignInDirectory, SignInRateLimits, SignInRequesters, OneTimeCodes, SignInHandler, ContactVerificationHandler, SignInHousekeeping];

/** Passwordless sign-in by one-time codes, sessions, and verification of e-mail channels. */
@Module({ imports: [TokensModule, RolesModule, MemberSettingsModule], providers: services, exports: [TokensModule, ...services] })
export class SignInModule {}
