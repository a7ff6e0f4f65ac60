using System.CommandLine;
using Replicator.LocalCloud.Tenants;
using Spectre.Console;

namespace Replicator.Cli.Drills;

/// <summary><c>replicator drill tenants</c>: each tenant's role reads exactly its own archived records, every request decided by an IAM policy simulator.</summary>
public static class TenantDrillCommand
{
    public static Command Create()
    {
        var records = new Option<int>("--records") { Description = "CDC records to produce and archive (three tenants', a tenant's not listed, and records without a tenant)", DefaultValueFactory = _ => 6_000 };
        var command = new Command(
            "tenants",
            "Archive three tenants' records through the local Firehose; read the archive as each tenant's role (template.yaml's, every S3 request decided by @cloud-copilot/iam-simulate) " +
            "and try every other tenant's data; replay each tenant alone; check every record's tenant.")
        {
            records,
        };
        command.SetAction((parse, cancellationToken) => LocalDrill.RunAsync("tenant-functions.log", async (cloud, functionLog, progress, cancellationToken) =>
        {
            var result = await TenantDrill.RunAsync(cloud, functionLog, progress, cancellationToken, parse.GetValue(records));
            var table = new Table().AddColumns("check", "count", "must be");
            table.AddRow("records archived", LocalDrill.Count(result.Records), "");
            table.AddRow("over Firehose's partition quota", LocalDrill.Count(result.Overflowed), "0");
            table.AddRow("own records read, as the tenants' roles", LocalDrill.Count(result.OwnRecordsRead), LocalDrill.Count(result.OwnRecordsExpected));
            table.AddRow("requests for others' data refused", LocalDrill.Count(result.ProbesRefused), LocalDrill.Count(result.Probes));
            table.AddRow("records of another tenant read or replayed", LocalDrill.Count(result.CrossTenantReads), "0");
            table.AddRow("replayed, tenant by tenant", LocalDrill.Count(result.Replayed), LocalDrill.Count(result.OwnRecordsExpected));
            table.AddRow("replayed records missing, out of order or twice", LocalDrill.Count(result.ReplayFaults), "0");
            table.AddRow("IAM questions the simulator answered", LocalDrill.Count(result.RequestsDecided), "");
            AnsiConsole.Write(table);
            Console.Out.WriteLine(result.FiguresJson());
            return result.Passed ? 0 : 1;
        }, cancellationToken));
        return command;
    }
}
