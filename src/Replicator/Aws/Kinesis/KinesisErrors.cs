using System.Net;
using Replicator.Aws.Json;

namespace Replicator.Aws.Kinesis;

// The errors callers act on differently, each a type so a catch reads as intent.
public sealed class ProvisionedThroughputExceededException(string service, string message, HttpStatusCode status)
    : AwsServiceException(service, "ProvisionedThroughputExceededException", message, status);

public sealed class ResourceNotFoundException(string service, string message, HttpStatusCode status)
    : AwsServiceException(service, "ResourceNotFoundException", message, status);

public sealed class ExpiredIteratorException(string service, string message, HttpStatusCode status)
    : AwsServiceException(service, "ExpiredIteratorException", message, status);

public sealed class AccessDeniedException(string service, string message, HttpStatusCode status)
    : AwsServiceException(service, "AccessDeniedException", message, status);

/// <summary>Any KMS* error (KMSDisabledException, KMSAccessDeniedException, KMSThrottlingException …).</summary>
public sealed class KmsException(string service, string code, string message, HttpStatusCode status)
    : AwsServiceException(service, code, message, status);
