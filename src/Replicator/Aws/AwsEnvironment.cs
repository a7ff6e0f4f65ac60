using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Replicator.Aws;

/// <summary>
/// Credentials and the HTTP connection pool a function's clients share. Credentials come from the
/// function's environment variables when set (as Lambda sets them), else from the SDK's default chain.
/// </summary>
public static class AwsEnvironment
{
    public const string AccessKeyId = "AWS_ACCESS_KEY_ID";
    public const string SecretAccessKey = "AWS_SECRET_ACCESS_KEY";
    public const string SessionToken = "AWS_SESSION_TOKEN";

    private static readonly Lazy<HttpClient> SharedHttpClient = new(() => new HttpClient(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    });

    public static HttpClient HttpClient => SharedHttpClient.Value;

    public static AWSCredentials Credentials(IReadOnlyDictionary<string, string> environment)
    {
        if (environment.TryGetValue(AccessKeyId, out var keyId) && !string.IsNullOrEmpty(keyId)
            && environment.TryGetValue(SecretAccessKey, out var secret) && !string.IsNullOrEmpty(secret))
        {
            return environment.TryGetValue(SessionToken, out var token) && !string.IsNullOrEmpty(token)
                ? new SessionAWSCredentials(keyId, secret, token)
                : new BasicAWSCredentials(keyId, secret);
        }

        return DefaultAWSCredentialsIdentityResolver.GetCredentials();
    }
}
