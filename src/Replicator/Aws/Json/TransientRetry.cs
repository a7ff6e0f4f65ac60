using Polly;
using Polly.Retry;

namespace Replicator.Aws.Json;

internal static class TransientRetry
{
    public static ResiliencePipeline Create(RetrySettings settings)
    {
        if (settings.MaxAttempts <= 0)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = settings.MaxAttempts,
                Delay = settings.BaseDelay,
                MaxDelay = settings.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder()
                    .Handle<AwsServiceException>(e => e.IsTransient)
                    .Handle<HttpRequestException>()
                    // An HttpClient timeout, not the caller giving up: the caller's token is checked by Polly itself.
                    .Handle<TaskCanceledException>(e => e.InnerException is TimeoutException),
            })
            .Build();
    }
}
