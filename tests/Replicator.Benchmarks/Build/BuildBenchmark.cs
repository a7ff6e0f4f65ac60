using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Replicator.LocalCloud;
using Replicator.LocalCloud.RuntimeApi;
using Spectre.Console;

namespace Replicator.Benchmarks.Build;

/// <summary>
/// What <c>sam build</c> costs: <c>make build-&lt;Fn&gt;</c> for every function of the template at once, each in
/// its own process, scratch directory and ARTIFACTS_DIR as SAM's parallel build runs them, from a clean
/// stamp; against one plain <c>dotnet publish</c> of the bootstrap, the least any build can do. Before
/// each side a source of the bootstrap is touched, so both compile as after an edit; rounds alternate
/// so machine noise hits both alike.
/// </summary>
public static partial class BuildBenchmark
{
    /// <summary>samconfig.toml's primary environment replicates into us-east-2: Fn::ForEach names its relay RelayTouseast2.</summary>
    private const string TargetRegion = "useast2";

    public static async Task<int> RunAsync(bool quick)
    {
        var rounds = quick ? 1 : 3;
        var root = RepositoryLayout.Root();
        var functions = TemplateFunctions(root);
        var directory = Path.Combine(Path.GetTempPath(), $"replicator-build-{Guid.NewGuid():N}");
        try
        {
            AnsiConsole.MarkupLine($"{functions.Count} functions: {string.Join(", ", functions)}");
            AnsiConsole.MarkupLine("Warming up with one publish, so restore and first compiles count on neither side …");
            await BootstrapBuild.PublishAsync(Path.Combine(directory, "warmup"), nativeAot: true, CancellationToken.None);

            var makeTimes = new List<double>();
            var publishTimes = new List<double>();
            var publishesPerMake = new List<int>();
            for (var round = 0; round < rounds; round++)
            {
                AnsiConsole.MarkupLine($"Round {round + 1} of {rounds}: make of every function, then one publish …");
                TouchBootstrapSource(root);
                var (makeSeconds, publishes) = await MakeEveryFunctionAsync(root, functions, Path.Combine(directory, $"make-{round}"));
                makeTimes.Add(makeSeconds);
                publishesPerMake.Add(publishes);

                TouchBootstrapSource(root);
                var started = Stopwatch.GetTimestamp();
                await BootstrapBuild.PublishAsync(Path.Combine(directory, $"publish-{round}"), nativeAot: true, CancellationToken.None);
                publishTimes.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
            }

            var make = Median(makeTimes);
            var publish = Median(publishTimes);
            var table = new Table().AddColumns("build", "rounds", "median s", "min s", "max s", "dotnet publish runs", "ratio to one publish");
            table.AddRow($"make, {functions.Count} function targets at once", rounds.ToString(), $"{make:F1}", $"{makeTimes.Min():F1}", $"{makeTimes.Max():F1}", string.Join(", ", publishesPerMake), $"{make / publish:F2}");
            table.AddRow("one dotnet publish (baseline)", rounds.ToString(), $"{publish:F1}", $"{publishTimes.Min():F1}", $"{publishTimes.Max():F1}", "1", "1.00");
            AnsiConsole.Write(table);

            Console.Out.WriteLine(JsonSerializer.Serialize(new BuildFigures(Math.Round(make, 1), Math.Round(publish, 1), Math.Round(make / publish, 2)), BuildFiguresJsonContext.Default.BuildFigures));
            return 0;
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>Every AWS::Serverless::Function of template.yaml, the relay for one target region.</summary>
    private static List<string> TemplateFunctions(string root) =>
        FunctionPattern().Matches(File.ReadAllText(Path.Combine(root, "template.yaml")))
            .Select(match => match.Groups["id"].Value.Replace("&{TargetRegion}", TargetRegion, StringComparison.Ordinal))
            .ToList();

    /// <summary>Seconds until the last make exits, and how many of them ran <c>dotnet publish</c> (make echoes it).</summary>
    private static async Task<(double Seconds, int Publishes)> MakeEveryFunctionAsync(string root, List<string> functions, string directory)
    {
        var buildDirectory = Path.Combine(directory, "bootstrap");
        var started = Stopwatch.GetTimestamp();
        var makes = functions.Select(function =>
        {
            var scratch = Directory.CreateDirectory(Path.Combine(directory, "scratch", function)).FullName;
            var make = new ProcessStartInfo("make")
            {
                WorkingDirectory = scratch,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[] { "--makefile", Path.Combine(root, "Makefile"), $"build-{function}", $"BOOTSTRAP_BUILD_DIR={buildDirectory}" })
            {
                make.ArgumentList.Add(argument);
            }

            make.Environment["ARTIFACTS_DIR"] = Path.Combine(directory, "artifacts", function);
            return RunAsync(make);
        }).ToArray();
        var outputs = await Task.WhenAll(makes);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return (seconds, outputs.Sum(output => output.Split('\n').Count(line => line.StartsWith("dotnet publish ", StringComparison.Ordinal))));
    }

    private static async Task<string> RunAsync(ProcessStartInfo startInfo)
    {
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {startInfo.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout + await stderr;
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"'{startInfo.FileName} {string.Join(' ', startInfo.ArgumentList)}' failed with exit code {process.ExitCode}:\n{output}");
    }

    /// <summary>A newer source makes the compiler and ILC run again, as after an edit; git tracks no mtimes.</summary>
    private static void TouchBootstrapSource(string root) =>
        File.SetLastWriteTimeUtc(Path.Combine(root, "src", "Replicator.Lambda", "Program.cs"), DateTime.UtcNow);

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    [GeneratedRegex(@"^\s*(?<id>[A-Za-z0-9&{}]+):\s*\n\s*Type:\s*AWS::Serverless::Function\s*$", RegexOptions.Multiline)]
    private static partial Regex FunctionPattern();
}
