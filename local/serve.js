// Starts one API emulator on 127.0.0.1 and prints one JSON line, {"service":…,"port":…}, once it accepts
// connections. Port 0 lets the OS pick a free port, so parallel fixtures never race for one.
// kinesalite's CLI cannot bind to a single address, which is why this launcher exists.
'use strict'

const [service, portArg = '0', dataDir] = process.argv.slice(2)
const host = '127.0.0.1'
const port = Number(portArg)
const fast = 10 // ms a table or stream stays CREATING/DELETING/UPDATING; the defaults make tests crawl

function announce(address) {
  process.stdout.write(JSON.stringify({ service, port: address.port }) + '\n')
}

function listen(server) {
  server.listen(port, host, () => announce(server.address()))
}

async function main() {
  switch (service) {
    case 'kinesis':
      // Kinesis's default shard quota per account and region (Kinesis developer guide, "Quotas and
      // limits"): 20,000 in us-east-1, us-west-2 and eu-west-1, 1,000 or 6,000 in the others. The lowest,
      // so no region is kinder here; the test suite's shared cloud creates a few hundred shards.
      listen(require('kinesalite')({ createStreamMs: fast, deleteStreamMs: fast, updateStreamMs: fast, shardLimit: 1000 }))
      break
    case 'dynamodb':
      listen(require('dynalite')({ createTableMs: fast, deleteTableMs: fast, updateTableMs: fast }))
      break
    case 's3': {
      if (!dataDir) throw new Error('s3 needs a data directory as the third argument')
      const S3rver = require('s3rver')
      announce(await new S3rver({ address: host, port, directory: dataDir, silent: true }).run())
      break
    }
    default:
      throw new Error(`unknown service '${service}'; expected kinesis, dynamodb or s3`)
  }
}

main().catch(error => {
  process.stderr.write(`${error.stack || error}\n`)
  process.exit(1)
})
