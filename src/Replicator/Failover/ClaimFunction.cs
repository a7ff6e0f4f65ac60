using System.Globalization;
using System.Text.Json;
using Replicator.Lambda;

namespace Replicator.Failover;

/// <summary>
/// The failover machine's calls to every region's replica of the config table (handler
/// <c>failover-claim</c>): a Step Functions DynamoDB task reaches only its own region's replica.
/// <see cref="Claim"/> before anything is written, <see cref="AwaitFence"/> between the fence and its
/// hold, <see cref="Release"/> on every way out (<see cref="FailoverClaims"/>, <see cref="FenceReplication"/>).
/// </summary>
public sealed class ClaimFunction(FailoverClaims claims, FenceReplication fence)
{
    public const string Claim = "claim";
    public const string AwaitFence = "await-fence";
    public const string Release = "release";

    public static LambdaHandler CreateHandler(IReadOnlyDictionary<string, string> environment)
    {
        var replicas = ConfigReplicas.From(environment);
        return new ClaimFunction(new FailoverClaims(replicas, TimeProvider.System), new FenceReplication(replicas, TimeProvider.System)).HandleAsync;
    }

    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> payload, ILambdaContext context, CancellationToken cancellationToken)
    {
        var call = FunctionInput.Read(payload, ClaimJsonContext.Default.ClaimCall, "failover-claim");
        switch (call.Action)
        {
            case Claim:
                var claimed = await claims.ClaimAsync(new ClaimRequest(call.StreamName, call.Holder, call.SourceRegion, call.Force), cancellationToken).ConfigureAwait(false);
                context.Logger.LogInformation($"Claimed {call.StreamName} for {call.Holder} in {string.Join(", ", claimed.Granted)}{Unreachable(claimed.Unreachable)}; config caught up with version {claimed.LastConfigVersion}");
                return JsonSerializer.SerializeToUtf8Bytes(claimed, ClaimJsonContext.Default.ClaimResult);
            case AwaitFence:
                var fenced = await fence.AwaitFenceAsync(new FenceRequest(call.StreamName, FenceVersion(call), call.SourceRegion, call.Force), cancellationToken).ConfigureAwait(false);
                context.Logger.LogInformation($"The fence of {call.StreamName} is in the replicas of {string.Join(", ", fenced.Confirmed)}{Unreachable(fenced.Unreachable)}");
                return JsonSerializer.SerializeToUtf8Bytes(fenced, ClaimJsonContext.Default.FenceResult);
            case Release:
                var released = await claims.ReleaseAsync(call.StreamName, call.Holder, cancellationToken).ConfigureAwait(false);
                context.Logger.LogInformation($"Released {call.StreamName} for {call.Holder} in {string.Join(", ", released.Released)}{Unreachable(released.Unreachable)} at config version {released.ConfigVersion}");
                return JsonSerializer.SerializeToUtf8Bytes(released, ClaimJsonContext.Default.ReleaseResult);
            default:
                throw new InvalidFunctionInputException($"failover-claim: action '{call.Action}' is not one of {Claim}, {AwaitFence}, {Release}.");
        }
    }

    private static long FenceVersion(ClaimCall call) =>
        long.TryParse(call.FenceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw new InvalidFunctionInputException($"failover-claim: {AwaitFence} needs fenceVersion, the config version the fence wrote, as a whole number; got '{call.FenceVersion}'.");

    private static string Unreachable(IReadOnlyList<string> regions) => regions.Count == 0 ? "" : $" (unreachable: {string.Join(", ", regions)})";
}
