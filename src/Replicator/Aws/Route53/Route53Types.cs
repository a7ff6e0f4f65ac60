namespace Replicator.Aws.Route53;

/// <summary>A simple (non-alias, non-routing-policy) record set: all this project writes.</summary>
public sealed record ResourceRecordSet(string Name, string Type, long Ttl, IReadOnlyList<string> Values);

/// <summary>One entry of a change batch: CREATE, DELETE or UPSERT.</summary>
public sealed record RecordChange(string Action, ResourceRecordSet RecordSet)
{
    public const string Create = "CREATE";
    public const string Delete = "DELETE";
    public const string Upsert = "UPSERT";
}

/// <summary>A submitted change: PENDING until every Route 53 server has it, then INSYNC.</summary>
public sealed record ChangeInfo(string Id, string Status, DateTimeOffset SubmittedAt, string? Comment)
{
    public const string Pending = "PENDING";
    public const string InSync = "INSYNC";
}

/// <summary>One page of ListResourceRecordSets; the next page starts at NextRecordName/NextRecordType.</summary>
public sealed record RecordSetPage(IReadOnlyList<ResourceRecordSet> RecordSets, bool IsTruncated, string? NextRecordName, string? NextRecordType);
