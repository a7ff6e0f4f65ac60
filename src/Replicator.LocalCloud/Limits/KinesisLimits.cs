namespace Replicator.LocalCloud.Limits;

/// <summary>
/// What the local Kinesis enforces, as Kinesis does per shard (Kinesis developer guide, "Quotas and
/// limits"): writes of 1,000 records and 1 MiB a second (partition key and data), reads of five
/// GetRecords calls and 2 MiB a second shared by every reader. And, since the PutRecords reference does
/// not promise that a request's records land in request order, a share of requests whose records of a
/// shard land in another order (sequence numbers not ascending in request order).
/// </summary>
public sealed record KinesisLimits
{
    /// <summary>AWS's limits, with half of the requests that can be reordered landing out of order.</summary>
    public static KinesisLimits Strict { get; } = new();

    /// <summary>kinesalite as it is: no limits, every request lands in order. For unit tests that measure something else.</summary>
    public static KinesisLimits Off { get; } = new() { Enforced = false, ReorderShare = 0 };

    public bool Enforced { get; init; } = true;

    public int WriteRecordsPerSecond { get; init; } = 1_000;

    public int WriteBytesPerSecond { get; init; } = 1024 * 1024;

    public int ReadCallsPerSecond { get; init; } = 5;

    public int ReadBytesPerSecond { get; init; } = 2 * 1024 * 1024;

    /// <summary>The share of requests (holding two or more records of one shard) whose records land in another order.</summary>
    public double ReorderShare { get; init; } = 0.5;

    /// <summary>An on-demand stream's shard is split once it admits more than this share of its write allowance within a second (<see cref="OnDemandScaling"/>).</summary>
    public double OnDemandSplitShare { get; init; } = 0.5;

    /// <summary>Seeds the choice of requests to reorder, so a run can be repeated.</summary>
    public int Seed { get; init; } = 7;
}
