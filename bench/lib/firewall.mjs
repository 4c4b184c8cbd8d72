// A warm firewall with the foundation policy, as every `portcullis` variant uses it.
import { createFirewall } from '@portcullis/core';
import { foundationPolicy } from './policy.mjs';

export async function createReadyFirewall() {
  const firewall = createFirewall(foundationPolicy());
  await firewall.ready();
  return firewall;
}
