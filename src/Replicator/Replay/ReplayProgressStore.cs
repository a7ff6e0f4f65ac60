using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Replicator.Replay;

/// <summary>
/// A replay's progress in kdsReplayProgress, one item per <c>replayId</c>: what the replay is (so the
/// same id cannot resume a different replay), which execution owns it, and per lane the cursor of the
/// last record made durable, how many records that took, how many were in flight (sent, not yet
/// known durable), the duplicates resumes may have caused, and whether the lane is done. Every lane
/// write is conditional on the owner, so when a second execution of the same replay takes over,
/// the first one's lanes stop at their next write instead of sending everything twice.
/// </summary>
public sealed class ReplayProgressStore(IAmazonDynamoDB dynamoDb, string table)
{
    public const string ReplayId = "replayId";
    private const string Owner = "owner";

    /// <summary>Records the replay, or checks that the one recorded under its id is the same, and makes <paramref name="owner"/> its owner.</summary>
    /// <exception cref="ReplayMismatchException">The id names a replay with a different stream, range, target or lane count.</exception>
    public async Task ClaimAsync(ReplayPlan plan, string owner, CancellationToken cancellationToken)
    {
        var definition = Definition(plan);
        var existing = (await dynamoDb.GetItemAsync(new GetItemRequest { TableName = table, Key = Key(plan.ReplayId), ConsistentRead = true }, cancellationToken).ConfigureAwait(false)).Item;
        if (existing is { Count: > 0 })
        {
            foreach (var (field, value) in definition)
            {
                var recorded = existing.TryGetValue(field, out var v) ? v.S ?? v.N : null;
                if (recorded != (value.S ?? value.N))
                {
                    throw new ReplayMismatchException(
                        $"Replay '{plan.ReplayId}' was started with {field} = {recorded ?? "(none)"}, not {value.S ?? value.N}; resume it as it was, or give the new replay another replayId.");
                }
            }
        }

        var values = new Dictionary<string, AttributeValue>(definition) { [Owner] = new() { S = owner } };
        await dynamoDb.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = Key(plan.ReplayId),
            UpdateExpression = "SET " + string.Join(", ", values.Keys.Select((_, i) => $"#f{i} = :v{i}")),
            ExpressionAttributeNames = values.Keys.Select((name, i) => (name, i)).ToDictionary(x => $"#f{x.i}", x => x.name),
            ExpressionAttributeValues = values.Values.Select((value, i) => (value, i)).ToDictionary(x => $":v{x.i}", x => x.value),
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<LaneProgress> ReadLaneAsync(string replayId, int lane, CancellationToken cancellationToken) =>
        (await ReadAllAsync(replayId, lane + 1, cancellationToken).ConfigureAwait(false))[lane];

    public async Task<IReadOnlyList<LaneProgress>> ReadAllAsync(string replayId, int lanes, CancellationToken cancellationToken)
    {
        var item = (await dynamoDb.GetItemAsync(new GetItemRequest { TableName = table, Key = Key(replayId), ConsistentRead = true }, cancellationToken).ConfigureAwait(false)).Item ?? [];
        long Number(string name) => item.TryGetValue(name, out var value) ? long.Parse(value.N, CultureInfo.InvariantCulture) : 0;
        return Enumerable.Range(0, lanes).Select(lane => new LaneProgress(
            item.TryGetValue(Field(lane, "cursor"), out var cursor) ? LaneCursor.Parse(cursor.S, $"Replay '{replayId}' lane {lane}") : LaneCursor.Start,
            Number(Field(lane, "sent")),
            Number(Field(lane, "inFlight")),
            Number(Field(lane, "maxDuplicates")),
            item.TryGetValue(Field(lane, "done"), out var done) && done.BOOL == true,
            item.TryGetValue(Owner, out var owner) ? owner.S : null)).ToList();
    }

    /// <summary>Notes that a chunk is about to be sent: if this run dies before <see cref="AdvanceAsync"/>, the next counts them as possible duplicates.</summary>
    public Task BeginChunkAsync(string replayId, string owner, int lane, int records, CancellationToken cancellationToken) =>
        UpdateLaneAsync(replayId, owner, lane, "SET #inFlight = :n", new() { ["#inFlight"] = Field(lane, "inFlight") }, new() { [":n"] = Count(records) }, cancellationToken);

    /// <summary>Moves the lane's cursor forward past <paramref name="records"/> durable records; it never moves back.</summary>
    /// <param name="stillInFlight">Records of the chunk after the cursor that were sent but are not known durable.</param>
    public Task AdvanceAsync(string replayId, string owner, int lane, LaneCursor cursor, int records, int stillInFlight, CancellationToken cancellationToken) =>
        UpdateLaneAsync(
            replayId,
            owner,
            lane,
            "SET #cursor = :cursor, #inFlight = :inFlight ADD #sent :n",
            new() { ["#cursor"] = Field(lane, "cursor"), ["#inFlight"] = Field(lane, "inFlight"), ["#sent"] = Field(lane, "sent") },
            new() { [":cursor"] = new() { S = cursor.Value }, [":inFlight"] = Count(stillInFlight), [":n"] = Count(records) },
            cancellationToken,
            extraCondition: "(attribute_not_exists(#cursor) OR #cursor < :cursor)");

    /// <summary>The lane stopped with everything it sent durable and its cursor already past it: nothing is in flight.</summary>
    public Task ClearInFlightAsync(string replayId, string owner, int lane, CancellationToken cancellationToken) =>
        UpdateLaneAsync(replayId, owner, lane, "SET #inFlight = :zero", new() { ["#inFlight"] = Field(lane, "inFlight") }, new() { [":zero"] = Count(0) }, cancellationToken);

    /// <summary>A run found records in flight from one that died: they may be in the target twice; count them as such.</summary>
    public Task CountResumeAsync(string replayId, string owner, int lane, long inFlight, CancellationToken cancellationToken) =>
        UpdateLaneAsync(
            replayId,
            owner,
            lane,
            "SET #inFlight = :zero ADD #maxDuplicates :n",
            new() { ["#inFlight"] = Field(lane, "inFlight"), ["#maxDuplicates"] = Field(lane, "maxDuplicates") },
            new() { [":zero"] = Count(0), [":n"] = Count(inFlight) },
            cancellationToken);

    public Task CompleteLaneAsync(string replayId, string owner, int lane, CancellationToken cancellationToken) =>
        UpdateLaneAsync(replayId, owner, lane, "SET #done = :true", new() { ["#done"] = Field(lane, "done") }, new() { [":true"] = new() { BOOL = true } }, cancellationToken);

    /// <exception cref="ReplaySupersededException">Another execution of the replay owns it now.</exception>
    private async Task UpdateLaneAsync(
        string replayId,
        string owner,
        int lane,
        string update,
        Dictionary<string, string> names,
        Dictionary<string, AttributeValue> values,
        CancellationToken cancellationToken,
        string? extraCondition = null)
    {
        names["#owner"] = Owner;
        values[":owner"] = new() { S = owner };
        try
        {
            await dynamoDb.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = table,
                Key = Key(replayId),
                UpdateExpression = update,
                ConditionExpression = extraCondition is null ? "#owner = :owner" : $"#owner = :owner AND {extraCondition}",
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            var now = await ReadLaneAsync(replayId, lane, cancellationToken).ConfigureAwait(false);
            throw now.Owner != owner
                ? new ReplaySupersededException($"Replay '{replayId}' lane {lane}: execution {now.Owner ?? "(none)"} owns the replay now, not {owner}; this run stops.")
                : new InvalidOperationException($"Replay '{replayId}' lane {lane}: the cursor is at {now.Cursor}, past where this run got; two runs share an owner.");
        }
    }

    private static Dictionary<string, AttributeValue> Definition(ReplayPlan plan) => new()
    {
        ["stream"] = new() { S = plan.Stream },
        ["from"] = new() { S = plan.From.ToString("O", CultureInfo.InvariantCulture) },
        ["to"] = new() { S = plan.To.ToString("O", CultureInfo.InvariantCulture) },
        ["targetStream"] = new() { S = plan.TargetStream },
        ["targetRegion"] = new() { S = plan.TargetRegion },
        ["lanes"] = Count(plan.Lanes),
    };

    private static Dictionary<string, AttributeValue> Key(string replayId) => new() { [ReplayId] = new() { S = replayId } };

    private static AttributeValue Count(long n) => new() { N = n.ToString(CultureInfo.InvariantCulture) };

    private static string Field(int lane, string name) => $"lane:{lane}:{name}";
}

/// <param name="InFlight">Records sent but not known durable when the last run of the lane stopped: possible duplicates if it died.</param>
/// <param name="MaxDuplicates">What resumes of the lane may have sent twice, at most.</param>
public sealed record LaneProgress(LaneCursor Cursor, long Sent, long InFlight, long MaxDuplicates, bool Done, string? Owner);

/// <summary>A replay id was reused for a different replay; the message names the field that differs.</summary>
public sealed class ReplayMismatchException(string message) : Exception(message);

/// <summary>Another execution took the replay over; this one stops rather than send the same records again.</summary>
public sealed class ReplaySupersededException(string message) : Exception(message);
