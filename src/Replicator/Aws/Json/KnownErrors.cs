using System.Net;
using Replicator.Aws.Kinesis;

namespace Replicator.Aws.Json;

/// <summary>Turns a wire error code into the typed exception callers catch.</summary>
internal static class KnownErrors
{
    public static AwsServiceException Create(string service, string code, string message, HttpStatusCode status) => code switch
    {
        "ProvisionedThroughputExceededException" => new ProvisionedThroughputExceededException(service, message, status),
        "ResourceNotFoundException" => new ResourceNotFoundException(service, message, status),
        "ExpiredIteratorException" => new ExpiredIteratorException(service, message, status),
        "AccessDeniedException" => new AccessDeniedException(service, message, status),
        "EntityNotFoundException" => new Glue.EntityNotFoundException(service, message, status),
        "AlreadyExistsException" => new Glue.AlreadyExistsException(message, status),
        "ConcurrentModificationException" => new Glue.ConcurrentModificationException(message, status),
        "ResourceNumberLimitExceededException" => new Glue.ResourceNumberLimitExceededException(message, status),
        _ when code.StartsWith("KMS", StringComparison.Ordinal) => new KmsException(service, code, message, status),
        _ => new AwsServiceException(service, code, message, status),
    };
}
