using Replicator.Lambda;
using static Replicator.Lambda.EnvironmentSettings;

namespace Replicator.Aws;

/// <summary>
/// Where each client sends its requests, decided here for all of them. First the client's own setting:
/// this project's REPLICATOR_* variable or a command-line option, which can tell regions (and the
/// relay's source from its target) apart. Else the AWS SDKs' convention, which LocalStack users already
/// set: <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>, then <c>AWS_ENDPOINT_URL</c>; one URL for every region,
/// so requests are still signed for their own region and an emulator can keep regions apart by it.
/// Else null: the region's real endpoint. <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true</c> turns the
/// convention off, as it does in the SDKs.
/// </summary>
public static class ServiceEndpoints
{
    public const string Global = "AWS_ENDPOINT_URL";
    public const string IgnoreConfigured = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";

    /// <param name="aliasVariable">The project's variable holding this client's URL.</param>
    /// <exception cref="SettingsException">A variable that is set holds no http(s) URL.</exception>
    public static Uri? Resolve(IReadOnlyDictionary<string, string> environment, AwsServiceId service, string aliasVariable) =>
        Resolve(environment, service, Url(environment, aliasVariable));

    /// <param name="own">The client's own endpoint, e.g. a command-line option; null when not given.</param>
    public static Uri? Resolve(IReadOnlyDictionary<string, string> environment, AwsServiceId service, Uri? own) =>
        own ?? Configured(environment, service);

    /// <param name="aliasVariable">The project's variable listing a URL per region: <c>region=url,region=url</c>.</param>
    public static RegionalEndpoints ResolvePerRegion(IReadOnlyDictionary<string, string> environment, AwsServiceId service, string aliasVariable) =>
        new(EndpointMap(environment, aliasVariable), Configured(environment, service));

    private static Uri? Configured(IReadOnlyDictionary<string, string> environment, AwsServiceId service) =>
        Flag(environment, IgnoreConfigured)
            ? null
            : Url(environment, service.EndpointVariable) ?? Url(environment, Global);

    /// <summary>An http(s) URL: <c>localhost:4566</c>, the easy slip, parses as a URI of scheme "localhost".</summary>
    private static Uri? Url(IReadOnlyDictionary<string, string> environment, string name) =>
        OptionalUri(environment, name) switch
        {
            null => null,
            { Scheme: "http" or "https" } uri => uri,
            var uri => throw new SettingsException(name, $"'{uri}' is not an http or https URL."),
        };
}
