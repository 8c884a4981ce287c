import type { INestApplication } from '@nestjs/common';
import { batchLoader, perRequest, requirePod, type SubgraphContext } from '@mutuo/platform';
import type { MemberParent } from '../../shared/member-details';
import { MemberQueries } from '../../shared/member.queries';
import { pageSize } from '../../shared/keyset-page';
import { MemberPrivacy } from '../../shared/member-privacy';
import { AgreementsHandler, type AgreementsVersion } from './agreements.handler';
import { AgreementsQueries, type AcknowledgementView } from './agreements.queries';

type AcknowledgementNode = AcknowledgementView & { podId: string; currentVersion: number | null };

const EMPTY = { edges: [], endCursor: null, hasNextPage: false };

/** Agreements: publishing and acknowledging them, `Pod.agreements`, who acknowledged which version. */
export function agreementsResolvers(app: INestApplication) {
  const handler = app.get(AgreementsHandler);
  const agreements = app.get(AgreementsQueries);
  const members = app.get(MemberQueries);
  const privacy = app.get(MemberPrivacy);

  const loaders = perRequest((ctx: SubgraphContext) => {
    const { podId } = requirePod(ctx);
    return {
      acknowledged: batchLoader((ids) => agreements.acknowledgedVersions(podId, ids)),
      member: batchLoader(async (ids) => new Map((await members.byIds(podId, ids)).map((member) => [member.id, member]))),
    };
  });
  /** A member of the caller's pod, unless one of the two blocked the other. */
  const visibleMember = async (ctx: SubgraphContext, podId: string, memberId: string) => {
    if (ctx.identity?.podId !== podId) return null;
    return privacy.visibleMember(ctx, (await loaders(ctx).member.load(memberId)) ?? null);
  };

  return {
    Mutation: {
      publishAgreements: (_: unknown, { input }: { input: { text: string; basedOnVersion?: number | null } }, ctx: SubgraphContext) =>
        handler.publish(input, ctx),
      acknowledgeAgreements: (_: unknown, { version }: { version: number }, ctx: SubgraphContext) => handler.acknowledge(version, ctx),
    },
    Pod: {
      agreements: (pod: { id: string }, args: { version?: number | null }) => agreements.version(pod.id, args.version),
      agreementAcknowledgements: async (pod: { id: string }, args: { first?: number | null; after?: string | null }, ctx: SubgraphContext) => {
        const first = pageSize(args.first);
        if (ctx.identity?.podId !== pod.id) return EMPTY;
        const [page, current] = await Promise.all([agreements.acknowledgements(pod.id, first, args.after), agreements.version(pod.id)]);
        return {
          ...page,
          edges: page.edges.map((edge) => ({
            cursor: edge.cursor,
            node: { ...edge.node, podId: pod.id, currentVersion: current?.version ?? null } satisfies AcknowledgementNode,
          })),
        };
      },
    },
    PodAgreements: {
      publishedBy: (agreement: AgreementsVersion, _: unknown, ctx: SubgraphContext) => visibleMember(ctx, agreement.podId, agreement.publishedByMemberId),
    },
    AgreementAcknowledgement: {
      member: (node: AcknowledgementNode, _: unknown, ctx: SubgraphContext) => visibleMember(ctx, node.podId, node.memberId),
      current: (node: AcknowledgementNode) => node.version !== null && node.version === node.currentVersion,
    },
    Member: {
      acknowledgedAgreementsVersion: async (member: MemberParent & { acknowledgedAgreementsVersion?: number | null }, _: unknown, ctx: SubgraphContext) => {
        if (ctx.identity?.podId !== member.podId) return null;
        // A mutation's answer knows it already; the read model may not yet.
        if (member.acknowledgedAgreementsVersion !== undefined) return member.acknowledgedAgreementsVersion;
        return (await loaders(ctx).acknowledged.load(member.id)) ?? null;
      },
    },
  };
}
