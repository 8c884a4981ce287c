import { REQUEST_CATEGORIES, URGENCIES, type RequestCategory, type Urgency } from '@mutuo/contracts';
import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';

export interface PostedRequest {
  requestId: string;
  podId: string;
  requesterMemberId: string;
  title: string;
  description: string;
  /** BCP 47 tag of the language the author wrote in. */
  language: string;
  category: RequestCategory;
  urgency: Urgency;
}

export type RequestState = { status: 'none' } | ({ status: 'open'; postedAt: string } & PostedRequest);

export type PostRequest = Command<'PostRequest', PostedRequest>;
export type RequestCommand = PostRequest;

export type RequestPosted = DomainEvent<'RequestPosted', PostedRequest & { postedAt: string }>;
export type RequestEvent = RequestPosted;

const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

export const requestDecider: Decider<RequestState, RequestCommand, RequestEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'PostRequest': {
        if (state.status !== 'none') throw new DomainRuleViolation('REQUEST_EXISTS', 'This request was already posted', 'requestId');
        const title = command.data.title.trim();
        const description = command.data.description.trim();
        if (title.length < 3 || title.length > 140) {
          throw new DomainRuleViolation('INVALID_TITLE', 'A title has 3 to 140 characters', 'title');
        }
        if (description.length > 4000) {
          throw new DomainRuleViolation('INVALID_DESCRIPTION', 'A description has at most 4000 characters', 'description');
        }
        if (!REQUEST_CATEGORIES.includes(command.data.category)) {
          throw new DomainRuleViolation('INVALID_CATEGORY', `Category must be one of ${REQUEST_CATEGORIES.join(', ')}`, 'category');
        }
        if (!URGENCIES.includes(command.data.urgency)) {
          throw new DomainRuleViolation('INVALID_URGENCY', `Urgency must be one of ${URGENCIES.join(', ')}`, 'urgency');
        }
        if (!LANGUAGE_TAG.test(command.data.language)) {
          throw new DomainRuleViolation('INVALID_LANGUAGE', 'Give the language as a BCP 47 tag such as "en" or "pt-BR"', 'language');
        }
        return [
          {
            type: 'RequestPosted',
            data: { ...command.data, title, description, postedAt: command.metadata.now },
            metadata: eventMetadataFrom(command.metadata),
          },
        ];
      }
      default:
        return assertNever(command.type, 'request command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'RequestPosted':
        return { status: 'open', ...event.data };
      default:
        return assertNever(event.type, 'request event');
    }
  },
};
