namespace Replicator.Aws;

/// <summary>
/// A service as the AWS SDKs' shared configuration names it: the <c>serviceId</c> of its API model, from
/// which the SDKs make the service's endpoint variable (upper-cased, spaces as underscores).
/// </summary>
public sealed record AwsServiceId(string Name)
{
    public static readonly AwsServiceId Kinesis = new("Kinesis");
    public static readonly AwsServiceId DynamoDb = new("DynamoDB");
    public static readonly AwsServiceId S3 = new("S3");
    public static readonly AwsServiceId Sts = new("STS");
    public static readonly AwsServiceId Glue = new("Glue");
    public static readonly AwsServiceId LakeFormation = new("LakeFormation");
    public static readonly AwsServiceId StepFunctions = new("SFN");
    public static readonly AwsServiceId Route53 = new("Route 53");

    /// <summary><c>AWS_ENDPOINT_URL_KINESIS</c>, <c>AWS_ENDPOINT_URL_SFN</c>, …</summary>
    public string EndpointVariable => ServiceEndpoints.Global + "_" + Name.ToUpperInvariant().Replace(' ', '_');
}
