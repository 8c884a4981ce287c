import type { INestApplication } from '@nestjs/common';
import type { SubgraphContext } from '@mutuo/platform';
import { fromGraphQLEnum, toGraphQLEnum } from '@mutuo/service-kit';
import { ADMISSION_MODES, REQUEST_VISIBILITIES, type PodSettings, type PodSettingsChanges } from '../../domain/pod-settings.decider';
import { RoleQueries } from '../../shared/role.queries';
import { PodSettingsHandler } from './pod-settings.handler';
import { PodSettingsQueries } from './pod-settings.queries';

interface ChangePodSettingsArgs {
  input: {
    requestVisibility?: string | null;
    escalateToNeighbours?: boolean | null;
    admissionMode?: string | null;
    joinQuestions?: string[] | null;
  };
}

/** The settings with the pod they belong to, for `rolePolicy`. */
type SettingsParent = PodSettings & { podId: string };

/** Pod settings: `changePodSettings` and `Pod.settings`. */
export function podSettingsResolvers(app: INestApplication) {
  const handler = app.get(PodSettingsHandler);
  const settings = app.get(PodSettingsQueries);
  const roles = app.get(RoleQueries);

  return {
    Mutation: {
      changePodSettings: async (_: unknown, { input }: ChangePodSettingsArgs, ctx: SubgraphContext): Promise<SettingsParent> => {
        const { podId, settings: changed } = await handler.change(changesFrom(input), ctx);
        return { podId, ...changed };
      },
    },
    Pod: {
      // Nothing in the settings is private: whoever may see the pod (its members, and those about to join) sees them.
      settings: async (pod: { id: string }): Promise<SettingsParent> => ({ podId: pod.id, ...(await settings.of(pod.id)) }),
    },
    PodSettings: {
      requestVisibility: (parent: SettingsParent) => toGraphQLEnum(parent.requestVisibility),
      admissionMode: (parent: SettingsParent) => toGraphQLEnum(parent.admissionMode),
      rolePolicy: (parent: SettingsParent) => roles.policyOf(parent.podId),
    },
  };
}

/** Left out or null: unchanged. */
function changesFrom(input: ChangePodSettingsArgs['input']): PodSettingsChanges {
  const changes: { -readonly [Key in keyof PodSettingsChanges]: PodSettingsChanges[Key] } = {};
  if (input.requestVisibility != null) changes.requestVisibility = fromGraphQLEnum(REQUEST_VISIBILITIES, input.requestVisibility);
  if (input.escalateToNeighbours != null) changes.escalateToNeighbours = input.escalateToNeighbours;
  if (input.admissionMode != null) changes.admissionMode = fromGraphQLEnum(ADMISSION_MODES, input.admissionMode);
  if (input.joinQuestions != null) changes.joinQuestions = input.joinQuestions;
  return changes;
}
