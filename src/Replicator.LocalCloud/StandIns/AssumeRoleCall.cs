namespace Replicator.LocalCloud.StandIns;

/// <summary>One AssumeRole call the target-account stand-in answered: who asked, for which role, and what it issued.</summary>
public sealed record AssumeRoleCall(string CallerAccessKeyId, string RoleArn, string SessionName, string IssuedAccessKeyId, DateTimeOffset Expiration);
