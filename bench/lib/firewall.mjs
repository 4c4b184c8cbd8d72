// A warm firewall with the policy every `portcullis` variant uses (foundation guards + jwt on the
// authenticated routes).
import { createFirewall } from '@portcullis/core';
import { portcullisPolicy } from './policy.mjs';

export async function createReadyFirewall() {
  const firewall = createFirewall(portcullisPolicy());
  await firewall.ready();
  return firewall;
}
