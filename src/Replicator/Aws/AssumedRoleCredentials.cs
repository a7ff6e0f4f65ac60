using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace Replicator.Aws;

/// <summary>
/// Credentials of a role in another account, assumed with STS AssumeRole using the function's own
/// credentials. The SDK's refreshing base class caches them and assumes the role again five minutes
/// before they expire, so no invocation runs on credentials about to lapse.
/// </summary>
public sealed class AssumedRoleCredentials : RefreshingAWSCredentials
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private readonly AmazonSecurityTokenServiceClient _sts;
    private readonly string _roleArn;
    private readonly string _sessionName;

    public AssumedRoleCredentials(AWSCredentials callerCredentials, string roleArn, string sessionName, string stsRegion, Uri? stsEndpoint)
    {
        _sts = new AmazonSecurityTokenServiceClient(callerCredentials, SdkClientEndpoint.Apply(new AmazonSecurityTokenServiceConfig(), stsRegion, stsEndpoint));
        _roleArn = roleArn;
        // Session names allow 2-64 characters of [\w+=,.@-].
        _sessionName = sessionName.Length <= 64 ? sessionName : sessionName[..64];
        PreemptExpiryTime = TimeSpan.FromMinutes(5);
    }

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var response = await _sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = _roleArn,
            RoleSessionName = _sessionName,
            DurationSeconds = (int)Lifetime.TotalSeconds,
        }).ConfigureAwait(false);
        var credentials = response.Credentials;
        return new CredentialsRefreshState(
            new ImmutableCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken),
            credentials.Expiration ?? DateTime.UtcNow + Lifetime);
    }
}
