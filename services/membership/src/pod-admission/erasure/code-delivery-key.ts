import { membershipAuthConfigFrom } from '../../shared/membership-auth.config';

const keys = new WeakMap<NodeJS.ProcessEnv, Buffer>();

/**
 * The key membership shares with notifications (MEMBERSHIP_CODE_DELIVERY_KEY, the development key when unset),
 * read once per environment: published contacts are sealed with it for every event.
 */
export function codeDeliveryKeyOf(env: NodeJS.ProcessEnv): Buffer {
  let key = keys.get(env);
  if (!key) {
    key = membershipAuthConfigFrom(env).codeDeliveryKey;
    keys.set(env, key);
  }
  return key;
}
