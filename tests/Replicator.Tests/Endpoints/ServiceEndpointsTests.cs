using Amazon.Runtime;
using Replicator.Aws;
using Replicator.Lambda;

namespace Replicator.Tests.Endpoints;

public sealed class ServiceEndpointsTests
{
    private const string Alias = "REPLICATOR_TARGET_KINESIS_ENDPOINT";

    [Theory]
    [InlineData("Kinesis", "AWS_ENDPOINT_URL_KINESIS")]
    [InlineData("DynamoDB", "AWS_ENDPOINT_URL_DYNAMODB")]
    [InlineData("S3", "AWS_ENDPOINT_URL_S3")]
    [InlineData("STS", "AWS_ENDPOINT_URL_STS")]
    [InlineData("Glue", "AWS_ENDPOINT_URL_GLUE")]
    [InlineData("SFN", "AWS_ENDPOINT_URL_SFN")]
    public void Each_service_reads_the_variable_the_SDKs_name_for_it(string serviceId, string variable)
    {
        Assert.Equal(variable, new AwsServiceId(serviceId).EndpointVariable);
    }

    [Fact]
    public void The_services_the_clients_use_are_named_by_their_serviceId()
    {
        string[] variables =
        [
            AwsServiceId.Kinesis.EndpointVariable, AwsServiceId.DynamoDb.EndpointVariable, AwsServiceId.S3.EndpointVariable,
            AwsServiceId.Sts.EndpointVariable, AwsServiceId.Glue.EndpointVariable, AwsServiceId.StepFunctions.EndpointVariable,
        ];

        Assert.Equal(
            ["AWS_ENDPOINT_URL_KINESIS", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_GLUE", "AWS_ENDPOINT_URL_SFN"],
            variables);
        Assert.Equal("AWS_ENDPOINT_URL_ROUTE_53", new AwsServiceId("Route 53").EndpointVariable);
    }

    [Theory]
    [InlineData(true, true, true, "http://alias:1/")]
    [InlineData(false, true, true, "http://kinesis:2/")]
    [InlineData(false, false, true, "http://global:3/")]
    [InlineData(false, false, false, null)]
    [InlineData(true, false, false, "http://alias:1/")]
    [InlineData(false, true, false, "http://kinesis:2/")]
    public void The_alias_wins_then_the_service_s_variable_then_the_global_one_then_none(bool alias, bool serviceSpecific, bool global, string? expected)
    {
        var environment = new Dictionary<string, string>();
        if (alias)
        {
            environment[Alias] = "http://alias:1";
        }

        if (serviceSpecific)
        {
            environment["AWS_ENDPOINT_URL_KINESIS"] = "http://kinesis:2";
        }

        if (global)
        {
            environment["AWS_ENDPOINT_URL"] = "http://global:3";
        }

        Assert.Equal(expected, ServiceEndpoints.Resolve(environment, AwsServiceId.Kinesis, Alias)?.ToString());
    }

    [Fact]
    public void Another_service_s_variable_is_not_read()
    {
        var environment = new Dictionary<string, string> { ["AWS_ENDPOINT_URL_DYNAMODB"] = "http://dynamodb:1" };

        Assert.Null(ServiceEndpoints.Resolve(environment, AwsServiceId.Kinesis, Alias));
    }

    [Fact]
    public void An_option_given_wins_over_the_variables()
    {
        var environment = new Dictionary<string, string> { ["AWS_ENDPOINT_URL_SFN"] = "http://sfn:1", ["AWS_ENDPOINT_URL"] = "http://global:2" };

        Assert.Equal("http://option:3/", ServiceEndpoints.Resolve(environment, AwsServiceId.StepFunctions, new Uri("http://option:3"))?.ToString());
        Assert.Equal("http://sfn:1/", ServiceEndpoints.Resolve(environment, AwsServiceId.StepFunctions, (Uri?)null)?.ToString());
    }

    [Fact]
    public void A_region_in_the_per_region_alias_gets_its_own_endpoint_and_the_others_the_shared_one()
    {
        var environment = new Dictionary<string, string>
        {
            ["REPLICATOR_GLUE_ENDPOINTS"] = "us-east-1=http://glue-a:1",
            ["AWS_ENDPOINT_URL"] = "http://localstack:4566",
        };

        var endpoints = ServiceEndpoints.ResolvePerRegion(environment, AwsServiceId.Glue, "REPLICATOR_GLUE_ENDPOINTS");

        Assert.Equal("http://glue-a:1/", endpoints.For("us-east-1")?.ToString());
        Assert.Equal("http://localstack:4566/", endpoints.For("us-east-2")?.ToString());
        Assert.Null(ServiceEndpoints.ResolvePerRegion(new Dictionary<string, string>(), AwsServiceId.Glue, "REPLICATOR_GLUE_ENDPOINTS").For("us-east-2"));
    }

    [Fact]
    public void Ignore_configured_endpoint_urls_turns_the_SDK_variables_off_but_not_the_alias()
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true",
            ["AWS_ENDPOINT_URL_KINESIS"] = "http://kinesis:2",
            ["AWS_ENDPOINT_URL"] = "http://global:3",
        };

        Assert.Null(ServiceEndpoints.Resolve(environment, AwsServiceId.Kinesis, Alias));
        environment[Alias] = "http://alias:1";
        Assert.Equal("http://alias:1/", ServiceEndpoints.Resolve(environment, AwsServiceId.Kinesis, Alias)?.ToString());
    }

    [Fact]
    public void A_value_that_is_no_URL_fails_naming_the_variable()
    {
        var environment = new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = "localhost:4566" };

        var error = Assert.Throws<SettingsException>(() => ServiceEndpoints.Resolve(environment, AwsServiceId.S3, "REPLICATOR_S3_ENDPOINT"));

        Assert.Equal("AWS_ENDPOINT_URL", error.Setting);
    }

    [Fact]
    public void SDK_clients_go_where_they_are_told_signed_for_their_region_and_read_no_endpoint_of_their_own()
    {
        var credentials = new BasicAWSCredentials("LOCAL", "LOCAL");

        using var local = DynamoDbClients.Create("eu-west-1", credentials, new Uri("http://127.0.0.1:4566"));
        using var regional = DynamoDbClients.Create("eu-west-1", credentials, null);

        Assert.Equal("http://127.0.0.1:4566/", local.Config.ServiceURL);
        Assert.Equal("eu-west-1", local.Config.AuthenticationRegion);
        // Left on, AWSSDK.Core would read AWS_ENDPOINT_URL(_DYNAMODB) from the process itself and sign for us-east-1.
        Assert.True(((ClientConfig)local.Config).IgnoreConfiguredEndpointUrls);
        Assert.True(((ClientConfig)regional.Config).IgnoreConfiguredEndpointUrls);
        Assert.Null(regional.Config.ServiceURL);
        Assert.Equal("eu-west-1", regional.Config.RegionEndpoint.SystemName);
    }
}
