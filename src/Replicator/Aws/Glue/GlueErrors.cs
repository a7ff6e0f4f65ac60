using System.Net;
using Replicator.Aws.Json;

namespace Replicator.Aws.Glue;

// The Glue errors the catalog sync acts on differently, each a type so a catch reads as intent.
/// <summary>No such database or table: Glue's answer, and Lake Formation's about a resource of the catalog.</summary>
public sealed class EntityNotFoundException(string service, string message, HttpStatusCode status)
    : AwsServiceException(service, "EntityNotFoundException", message, status);

public sealed class AlreadyExistsException(string message, HttpStatusCode status)
    : AwsServiceException("glue", "AlreadyExistsException", message, status);

/// <summary>Another writer changed the entity at the same time; retried as transient.</summary>
public sealed class ConcurrentModificationException(string message, HttpStatusCode status)
    : AwsServiceException("glue", "ConcurrentModificationException", message, status);

public sealed class ResourceNumberLimitExceededException(string message, HttpStatusCode status)
    : AwsServiceException("glue", "ResourceNumberLimitExceededException", message, status);
