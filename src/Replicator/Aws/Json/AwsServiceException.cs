using System.Net;

namespace Replicator.Aws.Json;

/// <summary>An error answer from an AWS JSON 1.1 service, with its wire error code.</summary>
public class AwsServiceException(string service, string errorCode, string message, HttpStatusCode statusCode)
    : Exception($"{service} {errorCode}: {message}")
{
    public string Service { get; } = service;

    /// <summary>The <c>__type</c> of the error body without its namespace, e.g. <c>ResourceNotFoundException</c>.</summary>
    public string ErrorCode { get; } = errorCode;

    public HttpStatusCode StatusCode { get; } = statusCode;

    public bool IsThrottling => ErrorCode is "ProvisionedThroughputExceededException" or "ThrottlingException"
        or "LimitExceededException" or "KMSThrottlingException" or "RequestLimitExceeded"
        or "Throttling" or "PriorRequestNotComplete";

    /// <summary>Worth retrying as-is: throttling and server-side failures.</summary>
    public bool IsTransient => IsThrottling || (int)StatusCode >= 500
        || ErrorCode is "InternalFailure" or "ServiceUnavailable" or "ConcurrentModificationException" or "InternalServiceException";
}
