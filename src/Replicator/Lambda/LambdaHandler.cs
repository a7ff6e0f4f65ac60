namespace Replicator.Lambda;

/// <summary>
/// One function's invocation path: the raw event JSON in, the raw response JSON out.
/// The bootstrap, the local event source mapping and the state machine harness all call
/// handlers through this one shape, so the code under test is the code that ships.
/// </summary>
public delegate Task<byte[]> LambdaHandler(ReadOnlyMemory<byte> payload, ILambdaContext context, CancellationToken cancellationToken);
