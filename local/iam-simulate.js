// Answers "may this principal do this action on this resource" for the template tests and the local
// cloud's tenant drill, with @cloud-copilot/iam-simulate (AGPL-3.0-or-later: a test-time tool, never
// deployed or linked). A question is {principal, action, resource, account, context, identityPolicies, resourcePolicy?};
// an answer is {decision, errors} ("Allowed", "ImplicitlyDenied", "ExplicitlyDenied"). One question per
// stdin line, one answer per stdout line, until stdin closes: one process serves a test's questions, or
// every request of the tenant drill.
'use strict';
const readline = require('node:readline');
const { runSimulation } = require('@cloud-copilot/iam-simulate');

async function answer(q) {
  const result = await runSimulation({
    request: {
      principal: q.principal,
      action: q.action,
      resource: { resource: q.resource, accountId: q.account },
      contextVariables: q.context || {},
    },
    identityPolicies: q.identityPolicies.map((policy, i) => ({ name: `policy${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: q.resourcePolicy,
  }, {});
  return { decision: result.overallResult ?? null, errors: result.errors ?? null };
}

async function main() {
  for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (line.trim() !== '') process.stdout.write(JSON.stringify(await answer(JSON.parse(line))) + '\n');
  }
}

main().catch((error) => { console.error(error); process.exit(1); });
