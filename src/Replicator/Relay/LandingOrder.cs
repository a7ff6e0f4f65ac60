using Replicator.Aws.Kinesis;

namespace Replicator.Relay;

/// <summary>
/// PutRecords does not promise that a request's records land in request order (PutRecords API
/// reference). Where two records of one key share a request (packed ordering), the response's sequence
/// numbers say the order they really landed in: a record that landed before an earlier record of its
/// key counts as not landed, so it and every later record of its key go again behind the earlier one,
/// and each record's last copy stays in source order whatever order Kinesis chose.
/// </summary>
public static class LandingOrder
{
    /// <returns>Per request record: landed, and in order behind every earlier landed record of its key in the request.</returns>
    public static bool[] LandedInKeyOrder(IReadOnlyList<SourceRecord> request, IReadOnlyList<PutRecordsResultEntry> results)
    {
        var landed = new bool[request.Count];
        Dictionary<string, string>? latestOfKey = null;
        for (var i = 0; i < request.Count; i++)
        {
            if (results[i] is not { Succeeded: true, SequenceNumber: { } sequenceNumber })
            {
                continue;
            }

            latestOfKey ??= new Dictionary<string, string>(StringComparer.Ordinal);
            var key = request[i].PartitionKey;
            if (latestOfKey.TryGetValue(key, out var earlier) && SequenceNumbers.Compare(sequenceNumber, earlier) < 0)
            {
                continue;
            }

            latestOfKey[key] = sequenceNumber;
            landed[i] = true;
        }

        return landed;
    }
}
