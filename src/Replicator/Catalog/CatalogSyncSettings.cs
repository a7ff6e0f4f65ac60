using Replicator.Aws;
using Replicator.Catalog.Grants;
using Replicator.Lambda;
using static Replicator.Lambda.EnvironmentSettings;

namespace Replicator.Catalog;

/// <summary>The catalog sync function's settings, read once at init.</summary>
/// <param name="Grants">Whose Lake Formation grants to copy; null when grants are not copied.</param>
public sealed record CatalogSyncSettings(
    string ReplicaRegion,
    string SourceRegion,
    LocationRewriter Locations,
    IReadOnlyList<string>? Databases,
    bool PropagateDeletes,
    int? MaxPagesPerInvocation,
    RegionalEndpoints GlueEndpoints,
    GrantScope? Grants,
    RegionalEndpoints LakeFormationEndpoints)
{
    /// <exception cref="SettingsException">A setting is missing or malformed; the message names it.</exception>
    public static CatalogSyncSettings From(IReadOnlyDictionary<string, string> environment)
    {
        var replica = Required(environment, CatalogSyncEnvironment.Region);
        var source = Required(environment, CatalogSyncEnvironment.SourceRegion);
        if (source == replica)
        {
            throw new SettingsException(CatalogSyncEnvironment.SourceRegion, $"is {source}, this region: the catalog would be synced onto itself.");
        }

        LocationRewriter locations;
        try
        {
            locations = LocationRewriter.Parse(Optional(environment, CatalogSyncEnvironment.PrefixMap));
        }
        catch (FormatException e)
        {
            throw new SettingsException(CatalogSyncEnvironment.PrefixMap, e.Message);
        }

        var databases = OptionalList(environment, CatalogSyncEnvironment.Databases);
        return new CatalogSyncSettings(
            replica,
            source,
            locations,
            databases.Count == 0 ? null : databases,
            Flag(environment, CatalogSyncEnvironment.PropagateDeletes),
            OptionalPositiveInt(environment, CatalogSyncEnvironment.MaxPagesPerInvocation),
            ServiceEndpoints.ResolvePerRegion(environment, AwsServiceId.Glue, CatalogSyncEnvironment.GlueEndpoints),
            Flag(environment, CatalogSyncEnvironment.LakeFormationGrants)
                ? new GrantScope(source, replica, Required(environment, CatalogSyncEnvironment.SyncRoleArn))
                : null,
            ServiceEndpoints.ResolvePerRegion(environment, AwsServiceId.LakeFormation, CatalogSyncEnvironment.LakeFormationEndpoints));
    }
}
