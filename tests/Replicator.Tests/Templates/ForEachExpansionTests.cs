namespace Replicator.Tests.Templates;

public sealed class ForEachExpansionTests
{
    private const string RegionsParameter = """
        Parameters:
          Regions:
            Type: CommaDelimitedList
        """;

    [Fact]
    public void A_loop_makes_one_copy_per_value_with_the_identifier_replaced_in_keys_strings_and_refs()
    {
        var template = CloudFormationTemplate.Parse("t", RegionsParameter + """

            Resources:
              Fn::ForEach::Relays:
                - Region
                - !Ref Regions
                - RelayTo&{Region}:
                    Type: AWS::Serverless::Function
                    Properties:
                      FunctionName: !Sub relay-to-${Region}
                      Environment:
                        Variables:
                          TARGET: !Ref Region
                          LOG_GROUP: !Ref LogTo&{Region}
            """, new Dictionary<string, string> { ["Regions"] = "us-east-2, eu-west-1" });

        Assert.Equal(["RelayToeuwest1", "RelayTouseast2"], template.Resources.Select(r => r.Key).Order());
        var relay = template.Resources["RelayToeuwest1"]!["Properties"]!;
        Assert.Equal("relay-to-eu-west-1", relay["FunctionName"]!["Fn::Sub"]!.ToString());
        Assert.Equal("eu-west-1", relay["Environment"]!["Variables"]!["TARGET"]!.ToString());
        Assert.Equal("LogToeuwest1", relay["Environment"]!["Variables"]!["LOG_GROUP"]!["Ref"]!.ToString());
    }

    [Fact]
    public void A_loop_over_a_parameter_without_a_value_says_which()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CloudFormationTemplate.Parse("t", RegionsParameter + """

            Resources:
              Fn::ForEach::Relays:
                - Region
                - !Ref Regions
                - Relay&{Region}:
                    Type: AWS::SNS::Topic
            """));

        Assert.Contains("Regions", error.Message, StringComparison.Ordinal);
    }
}
