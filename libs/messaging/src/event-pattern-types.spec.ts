import 'reflect-metadata';
import { Module, forwardRef, type DynamicModule } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { EventController } from './event-controller';
import { eventPatternTypes } from './event-pattern-types';

@EventController()
class TrackRequests {
  @EventPattern('requests.request-posted.v1')
  posted(): void {}

  @EventPattern(['requests.request-edited.v1', 'requests.request-cancelled.v1'])
  changed(): void {}

  notAHandler(): void {}
}

class BaseHandler {
  @EventPattern('membership.member-left.v1')
  left(): void {}
}

@EventController()
class TrackMembers extends BaseHandler {
  @EventPattern('membership.member-joined.v1')
  joined(): void {}
}

@EventController()
class TrackPods {
  @EventPattern('membership.pod-created.v1')
  created(): void {}
}

@Module({ controllers: [TrackMembers] })
class MembersModule {}

@Module({ imports: [forwardRef(() => MembersModule)] })
class CycleModule {}

const podsModule: DynamicModule = { module: class PodsModule {}, controllers: [TrackPods] };

@Module({ imports: [MembersModule, CycleModule, podsModule], controllers: [TrackRequests] })
class ServiceModule {}

describe('eventPatternTypes', () => {
  it('collects every @EventPattern type of the module tree (imports, forward references, dynamic modules, inherited handlers), without creating it', () => {
    expect(eventPatternTypes(ServiceModule)).toEqual([
      'membership.member-joined.v1',
      'membership.member-left.v1',
      'membership.pod-created.v1',
      'requests.request-cancelled.v1',
      'requests.request-edited.v1',
      'requests.request-posted.v1',
    ]);
  });

  it('finds nothing in a module without event controllers', () => {
    @Module({})
    class Empty {}
    expect(eventPatternTypes(Empty)).toEqual([]);
  });
});
