namespace Replicator.Benchmarks.RelayThroughput;

/// <summary>What a run used that AWS bills by use, as metered on the local cloud.</summary>
/// <param name="InvocationTimes">Each invocation's duration; Lambda bills each rounded up to the millisecond.</param>
/// <param name="PutPayloadUnits">Kinesis PUT payload units of every record sent into the target, a record sent again counting again.</param>
/// <param name="CrossRegionBytes">PutRecords request and response bodies, which cross between the regions.</param>
/// <param name="TableWriteUnits">DynamoDB write units the run's writes consumed in the region written (not their replicas').</param>
public sealed record BilledUsage(long Invocations, IReadOnlyList<TimeSpan> InvocationTimes, long PutPayloadUnits, long CrossRegionBytes, double TableWriteUnits);

/// <summary>A bill per million records, by part, in US dollars.</summary>
public sealed record CostBreakdown(double LambdaRequests, double LambdaDuration, double KinesisPutPayloadUnits, double DynamoDbWrites, double CrossRegionTransfer)
{
    public double Total => LambdaRequests + LambdaDuration + KinesisPutPayloadUnits + DynamoDbWrites + CrossRegionTransfer;

    public IEnumerable<(string Part, double Usd)> Parts =>
    [
        ("Lambda requests", LambdaRequests),
        ("Lambda duration", LambdaDuration),
        ("Kinesis PUT payload units", KinesisPutPayloadUnits),
        ("DynamoDB writes", DynamoDbWrites),
        ("transfer between regions", CrossRegionTransfer),
    ];
}

/// <summary>
/// Published pay-as-you-go prices in US East (N. Virginia), read on 2026-12-03 from the pages named
/// (AWS's own pricing pages load their amounts by script, so the amounts are taken from the pages
/// below that quote them): Kinesis in provisioned mode (template.yaml's default InputStreamMode), DynamoDB
/// on demand (ddb-template.yml's tables). Left out, as the same for any relay or not per record: the
/// streams' shard-hours, the source stream's PUTs (the producer's), Lambda's reads of the source (free
/// for a standard iterator; enhanced fan-out, which seed 004 used, is billed per consumer-shard-hour and
/// GB read) and the config table's reads.
/// </summary>
public static class RelayCost
{
    /// <summary>"$0.20 per 1 million requests": docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/lambda.html.</summary>
    public const double LambdaPerRequestUsd = 0.20 / 1e6;

    /// <summary>x86: "$0.00001667 for every GB-second used", the same page (template.yaml deploys x86_64).</summary>
    public const double LambdaPerGbSecondX86Usd = 0.00001667;

    /// <summary>
    /// Provisioned mode, us-east-1: "$0.014 per million PPUs (25kb chunk)",
    /// www.trek10.com/blog/amazon-kinesis-data-streams-on-demand-vs.-provisioned-billing-mode-cost-comparison (2023-09-21).
    /// </summary>
    public const double KinesisPerPutPayloadUnitUsd = 0.014 / 1e6;

    /// <summary>
    /// On-demand, US East, after November 2024's cut: "$0.625 per million write request units",
    /// airbyte.com/data-engineering-resources/dynamodb-pricing (2025-07-21); a replicated write costs the same
    /// in the replica's region (www.usage.ai/blogs/aws/reserved-instances/dynamodb/global-tables-cost/).
    /// </summary>
    public const double DynamoDbPerWriteUnitUsd = 0.625 / 1e6;

    /// <summary>
    /// Between us-east-1 and us-east-2 (the seed's pair and the local cloud's), charged by the sending region:
    /// "$0.01 per GB", www.redresscompliance.com/aws-inter-region-transfer-costs-multiregion.html. US to Europe
    /// is $0.02 (the same page; repost.aws quotes $0.02 from us-east-1 to us-west-2 too).
    /// </summary>
    public const double TransferPerGbUsEast1UsEast2Usd = 0.01;

    /// <summary>Kinesis counts PUT payload units in 25 KB chunks of a record; a 1 MB record is 40, so KB here is 1,000 bytes (the more units).</summary>
    public const int PutPayloadUnitBytes = 25_000;

    public static long PutPayloadUnits(int recordBytes) => Math.Max(1, (recordBytes + PutPayloadUnitBytes - 1) / PutPayloadUnitBytes);

    /// <summary>The run's bill scaled to a million records.</summary>
    /// <param name="records">Records the run replicated (each once).</param>
    public static CostBreakdown PerMillionRecords(BilledUsage usage, int records, RelayTemplateDefaults function)
    {
        if (function.Architecture != "x86_64")
        {
            throw new InvalidOperationException($"template.yaml deploys the relay on {function.Architecture}; only x86_64's price is here.");
        }

        var scale = 1e6 / records;
        var billedSeconds = usage.InvocationTimes.Sum(t => Math.Ceiling(t.TotalMilliseconds)) / 1000;
        // GB here is 10^9 bytes, the more of them.
        return new CostBreakdown(
            usage.Invocations * LambdaPerRequestUsd * scale,
            billedSeconds * (function.MemoryMb / 1024.0) * LambdaPerGbSecondX86Usd * scale,
            usage.PutPayloadUnits * KinesisPerPutPayloadUnitUsd * scale,
            usage.TableWriteUnits * function.TableReplicas * DynamoDbPerWriteUnitUsd * scale,
            usage.CrossRegionBytes / 1e9 * TransferPerGbUsEast1UsEast2Usd * scale);
    }
}
