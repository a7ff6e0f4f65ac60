using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Replicator.LocalCloud.Limits;

namespace Replicator.LocalCloud.Iam;

/// <summary>
/// IAM in front of a region's local S3 (<see cref="StrictS3.Authorize"/>) for the principals a drill
/// names: a request signed with one of their session tokens is decided by the IAM policy simulator
/// before S3 sees it, as S3 decides it: the role's policies with the bucket's policy, and, for a read of
/// an SSE-KMS object, kms:Decrypt as S3 asks KMS for the caller (<c>kms:ViaService</c> S3 in the region)
/// with the key's policy, simulated apart. A refused request gets 403 AccessDenied. Requests of anyone
/// else pass: the local cloud does not model the operator's IAM.
/// </summary>
public sealed class S3Gate(IamPolicySimulator simulator, string region)
{
    private readonly ConcurrentDictionary<string, Principal> _principals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, GatedBucket> _buckets = new(StringComparer.Ordinal);
    private long _decided;
    private long _refused;

    /// <summary>Requests decided by the simulator.</summary>
    public long Decided => Interlocked.Read(ref _decided);

    /// <summary>Requests refused.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Requests signed with <paramref name="sessionToken"/> are <paramref name="roleArn"/>'s, with these identity policies.</summary>
    public void AddPrincipal(string sessionToken, string roleArn, IReadOnlyList<JsonNode> policies) =>
        _principals[sessionToken] = new Principal(roleArn, policies);

    /// <summary>
    /// The local bucket <paramref name="localName"/> stands for the bucket the policies name <paramref name="name"/>,
    /// with its bucket policy and the key its objects are encrypted with (ARN and key policy).
    /// </summary>
    public void AddBucket(string localName, string name, JsonNode? bucketPolicy, string keyArn, JsonNode keyPolicy) =>
        _buckets[localName] = new GatedBucket(name, bucketPolicy, keyArn, keyPolicy);

    /// <returns>Null to let the request through; the reason it is refused otherwise.</returns>
    public async Task<string?> AuthorizeAsync(S3Request request, CancellationToken cancellationToken)
    {
        if (request.SessionToken is null || !_principals.TryGetValue(request.SessionToken, out var principal))
        {
            return null;
        }

        if (!_buckets.TryGetValue(request.Bucket, out var bucket))
        {
            return Refuse($"{principal.RoleArn} may not reach bucket {request.Bucket}: the drill gave the gate no policy for it.");
        }

        var (action, resource, context) = Action(request, bucket.Name);
        if (action is null)
        {
            return Refuse($"{request.Method} {request.Path} is not an S3 call the gate models; refused rather than let through undecided.");
        }

        // S3 is reached over TLS from AWS SDKs; the bucket policy refuses anything else.
        context["aws:SecureTransport"] = "true";
        var decision = await DecideAsync(new IamQuestion(principal.RoleArn, action, resource, principal.Policies) { Context = context, ResourcePolicy = bucket.Policy }, cancellationToken).ConfigureAwait(false);
        if (decision != IamPolicySimulator.Allowed)
        {
            return Refuse($"User: {principal.RoleArn} is not authorized to perform: {action} on resource: {resource} ({decision} by the role's and the bucket's policies)");
        }

        if (action == "s3:GetObject")
        {
            var viaS3 = new Dictionary<string, string> { ["kms:ViaService"] = $"s3.{region}.amazonaws.com" };
            var decrypt = await DecideAsync(new IamQuestion(principal.RoleArn, "kms:Decrypt", bucket.KeyArn, principal.Policies) { Context = viaS3, ResourcePolicy = bucket.KeyPolicy }, cancellationToken).ConfigureAwait(false);
            if (decrypt != IamPolicySimulator.Allowed)
            {
                return Refuse($"User: {principal.RoleArn} is not authorized to perform: kms:Decrypt on resource: {bucket.KeyArn} through S3 ({decrypt} by the role's and the key's policies)");
            }
        }

        return null;
    }

    private async Task<string> DecideAsync(IamQuestion question, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _decided);
        return await simulator.DecideAsync(question, cancellationToken).ConfigureAwait(false);
    }

    private string Refuse(string reason)
    {
        Interlocked.Increment(ref _refused);
        return reason;
    }

    /// <summary>The IAM action, resource and context keys of the S3 calls the drills make (S3's Service Authorization Reference).</summary>
    private static (string? Action, string Resource, Dictionary<string, string> Context) Action(S3Request request, string bucket)
    {
        var context = new Dictionary<string, string>();
        var bucketArn = $"arn:aws:s3:::{bucket}";
        if (request.Key is null)
        {
            if (request.Method == "GET" && (request.Query.ContainsKey("list-type") || request.Query.Count == 0 || request.Query.ContainsKey("prefix")))
            {
                if (request.Query.TryGetValue("prefix", out var prefix))
                {
                    context["s3:prefix"] = prefix;
                }

                return ("s3:ListBucket", bucketArn, context);
            }

            return (request.Method == "GET" && request.Query.ContainsKey("location") ? "s3:GetBucketLocation" : null, bucketArn, context);
        }

        var objectArn = $"{bucketArn}/{request.Key}";
        string? action = request.Method switch
        {
            "GET" or "HEAD" when request.Is(request.Method, null) => "s3:GetObject",
            "PUT" when request.Is("PUT", null) => "s3:PutObject",
            "DELETE" when request.Is("DELETE", null) => "s3:DeleteObject",
            "POST" when request.Is("POST", "restore") => "s3:RestoreObject",
            _ => null,
        };
        return (action, objectArn, context);
    }

    private sealed record Principal(string RoleArn, IReadOnlyList<JsonNode> Policies);

    private sealed record GatedBucket(string Name, JsonNode? Policy, string KeyArn, JsonNode KeyPolicy);
}
