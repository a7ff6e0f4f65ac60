// Runs one execution of an Amazon States Language definition on aws-local-stepfunctions and prints
// one JSON line per execution event on stdout, the last being ExecutionSucceeded/Failed/Aborted.
// Every Task state is bound to the task host (an HTTP endpoint of the calling .NET process), which
// serves Lambda tasks with the same handlers the bootstrap serves and direct service integrations
// against the local cloud's emulators. Usage: node run-state-machine.js <request.json>, where the
// request is {"definition": {...}, "input": ..., "taskHost": "http://127.0.0.1:port/", "stateMachineName": …, "executionName": …}.
'use strict'

// aws-local-stepfunctions uses Promise.withResolvers, which Node gained in 22; the project supports 20.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve
    let reject
    const promise = new Promise((res, rej) => {
      resolve = res
      reject = rej
    })
    return { promise, resolve, reject }
  }
}

const fs = require('fs')
const { StateMachine } = require('aws-local-stepfunctions')

const [requestPath] = process.argv.slice(2)
const request = JSON.parse(fs.readFileSync(requestPath, 'utf8'))

function print(line) {
  process.stdout.write(JSON.stringify(line) + '\n')
}

// A task failure keeps the error name the service gave (e.g. DynamoDB.ConditionalCheckFailedException),
// which is what Retry and Catch match on.
class TaskError extends Error {
  constructor(name, cause) {
    super(cause)
    this.name = name
  }
}

function taskStates(states, found = {}) {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') found[name] = state.Resource
    if (state.Type === 'Map') taskStates((state.ItemProcessor ?? state.Iterator).States, found)
    if (state.Type === 'Parallel') for (const branch of state.Branches) taskStates(branch.States, found)
  }
  return found
}

function bindTask(state, resource) {
  return async (input) => {
    const response = await fetch(request.taskHost, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state, resource, input }),
    })
    const body = await response.json()
    if (!response.ok) throw new TaskError(body.error, body.cause)
    return body.output
  }
}

async function main() {
  const handlers = {}
  for (const [state, resource] of Object.entries(taskStates(request.definition.States))) {
    handlers[state] = bindTask(state, resource)
  }

  const machine = new StateMachine(request.definition, { validationOptions: { checkArn: false } })
  const name = request.executionName
  const execution = machine.run(request.input, {
    overrides: { taskResourceLocalHandlers: handlers },
    noThrowOnAbort: true,
    // The context fields the definitions read ($$.Execution.Id and StartTime), as Step Functions fills them.
    context: {
      Execution: {
        Id: `arn:aws:states:local:000000000000:execution:${request.stateMachineName}:${name}`,
        Name: name,
        Input: request.input,
        StartTime: new Date().toISOString(),
      },
    },
  })
  process.on('SIGTERM', () => execution.abort())

  // The result promise rejects on failure; the event log reports the failure, so keep it from crashing node.
  execution.result.catch(() => {})
  for await (const event of execution.eventLogs) {
    print(event)
  }
}

main().catch((error) => {
  print({ type: 'HarnessFailed', error: error.name, cause: error.stack ?? String(error) })
  process.exitCode = 1
})
