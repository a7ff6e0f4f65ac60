using System.Text.Json.Serialization;

namespace Replicator.Failover;

/// <summary>What the failover machine asks of <c>failover-claim</c>.</summary>
/// <param name="Action"><see cref="ClaimFunction.Claim"/>, <see cref="ClaimFunction.Release"/> or <see cref="ClaimFunction.AwaitFence"/>.</param>
/// <param name="Holder">The execution's ARN.</param>
/// <param name="FenceVersion">For <see cref="ClaimFunction.AwaitFence"/>: the config version the fence wrote (a DynamoDB number, as the machine holds it).</param>
public sealed record ClaimCall(string Action, string StreamName, string Holder, string SourceRegion, bool Force, string? FenceVersion = null);

public sealed record ClaimRequest(string StreamName, string Holder, string SourceRegion, bool Force);

/// <param name="LastConfigVersion">The config version the last released claim recorded; this region's replica had caught up with it.</param>
public sealed record ClaimResult(IReadOnlyList<string> Granted, IReadOnlyList<string> Unreachable, long LastConfigVersion);

/// <param name="ConfigVersion">The config version recorded for the next claimant.</param>
public sealed record ReleaseResult(IReadOnlyList<string> Released, IReadOnlyList<string> Unreachable, long ConfigVersion);

public sealed record FenceRequest(string StreamName, long FenceVersion, string SourceRegion, bool Force);

/// <param name="Confirmed">The regions whose replica showed the fence.</param>
/// <param name="Unreachable">Regions that did not answer, skipped (never a planned failover's source).</param>
public sealed record FenceResult(IReadOnlyList<string> Confirmed, IReadOnlyList<string> Unreachable);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(ClaimCall))]
[JsonSerializable(typeof(ClaimResult))]
[JsonSerializable(typeof(ReleaseResult))]
[JsonSerializable(typeof(FenceResult))]
internal sealed partial class ClaimJsonContext : JsonSerializerContext;
