// Answers "may this principal do this action on this resource" for the template tests, with
// @cloud-copilot/iam-simulate (AGPL-3.0-or-later: a test-time tool, never deployed or linked).
// stdin: a JSON array of {principal, action, resource, account, context, identityPolicies, resourcePolicy?}
// stdout: a JSON array of {decision, errors} in the same order ("Allowed", "ImplicitlyDenied", "ExplicitlyDenied").
'use strict';
const { runSimulation } = require('@cloud-copilot/iam-simulate');

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const questions = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const answers = [];
  for (const q of questions) {
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
    answers.push({ decision: result.overallResult ?? null, errors: result.errors ?? null });
  }
  process.stdout.write(JSON.stringify(answers));
}

main().catch((error) => { console.error(error); process.exit(1); });
