using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.S3;
using Replicator.Aws;
using Replicator.Aws.Json;
using Replicator.Aws.Kinesis;

using Replicator.Aws.Glue;
using Replicator.LocalCloud.Limits;
using Replicator.LocalCloud.StandIns;

namespace Replicator.LocalCloud.Emulators;

/// <summary>
/// The local two-region cloud: per region a kinesalite (Kinesis) behind a <see cref="StrictKinesis"/>
/// that enforces Kinesis's shard limits, and an s3rver behind a <see cref="StrictS3"/> that keeps storage
/// classes and restores; for DynamoDB either one dynalite every
/// region shares (global tables without replication lag) or, with a replication lag, a dynalite per
/// region joined as <see cref="GlobalTables.GlobalTables"/>; each behind a <see cref="StrictDynamoDb"/>
/// that enforces DynamoDB's per-partition write limit. Every process binds to 127.0.0.1,
/// logs to <c>local/.runs/&lt;run&gt;/</c>, and is stopped on dispose.
/// </summary>
public sealed class TwoRegionCloud : IAsyncDisposable
{
    public const string DefaultRegionA = "us-east-1";
    public const string DefaultRegionB = "us-east-2";

    /// <summary>Global tables' replication lag in the failover drills: typical within a continent is under a second (DynamoDB developer guide, "Global tables: how it works"); 1 s is on the slow side.</summary>
    public static readonly TimeSpan DefaultReplicationLag = TimeSpan.FromSeconds(1);

    private readonly List<EmulatorProcess> _processes;
    private readonly Dictionary<string, GlueStandIn> _glue;
    private readonly Dictionary<string, LakeFormationStandIn> _lakeFormation;
    private readonly Dictionary<string, RegionEndpoints> _regions;
    private readonly Dictionary<string, StrictKinesis> _kinesis;
    private readonly Dictionary<string, StrictDynamoDb> _dynamoDb;
    private readonly Dictionary<string, StrictS3> _s3;
    private readonly List<GlobalTables.GlobalTableReplica> _replicas;
    private readonly System.Net.Sockets.Socket _noSuchRegion = BoundNotListening();

    private TwoRegionCloud(
        string runDirectory,
        List<EmulatorProcess> processes,
        Dictionary<string, GlueStandIn> glue,
        Dictionary<string, RegionEndpoints> regions,
        Dictionary<string, StrictKinesis> kinesis,
        Dictionary<string, StrictDynamoDb> dynamoDb,
        Dictionary<string, StrictS3> s3,
        GlobalTables.GlobalTables? globalTables,
        List<GlobalTables.GlobalTableReplica> replicas)
    {
        RunDirectory = runDirectory;
        _processes = processes;
        _glue = glue;
        _lakeFormation = glue.ToDictionary(g => g.Key, g => new LakeFormationStandIn(g.Value));
        _regions = regions;
        _kinesis = kinesis;
        _dynamoDb = dynamoDb;
        _s3 = s3;
        GlobalTables = globalTables;
        _replicas = replicas;
    }

    /// <summary>
    /// Where a function's call to a region the local cloud does not run goes: a loopback port that is
    /// bound and not listening, so every connection is refused at once, as from a region that is down,
    /// and no test reaches a real endpoint.
    /// </summary>
    public Uri NoSuchRegionEndpoint => new($"http://127.0.0.1:{((System.Net.IPEndPoint)_noSuchRegion.LocalEndPoint!).Port}/");

    /// <summary>s3rver verifies signatures and accepts only this key pair; the other emulators accept any.</summary>
    public AWSCredentials Credentials { get; } = new BasicAWSCredentials("S3RVER", "S3RVER");

    /// <summary>Holds each emulator's log and the S3 data.</summary>
    public string RunDirectory { get; }

    public IReadOnlyCollection<string> Regions => _regions.Keys;

    /// <summary>The emulators' operating-system process ids.</summary>
    public IReadOnlyList<int> ProcessIds => _processes.Select(p => p.ProcessId).ToArray();

    /// <summary>The first region's DynamoDB endpoint itself (every region's, without replication lag).</summary>
    public StrictDynamoDb DynamoDb => _dynamoDb.Values.First();

    /// <summary>The replication between the regions' DynamoDB replicas; null when they share one dynalite.</summary>
    public GlobalTables.GlobalTables? GlobalTables { get; }

    /// <summary>DynamoDB writes refused for a partition key's write limit, in every region.</summary>
    public long ThrottledTableWrites => _dynamoDb.Values.Distinct().Sum(d => d.ThrottledWrites);

    /// <summary>DynamoDB write units charged in every region (<see cref="StrictDynamoDb.WriteUnits"/>); global tables' replicated writes are not among them.</summary>
    public double TableWriteUnits => _dynamoDb.Values.Distinct().Sum(d => d.WriteUnits);

    /// <param name="kinesisLimits">What each region's Kinesis enforces: <see cref="KinesisLimits.Strict"/> unless a test measures something else.</param>
    /// <param name="dynamoDbLimits">What DynamoDB enforces: <see cref="DynamoDbLimits.Strict"/> unless a test measures something else.</param>
    /// <param name="replicationLag">With a lag: a DynamoDB replica per region, joined as global tables that replicate after it; without: one DynamoDB every region shares.</param>
    public static async Task<TwoRegionCloud> StartAsync(
        IReadOnlyList<string>? regions = null,
        CancellationToken cancellationToken = default,
        KinesisLimits? kinesisLimits = null,
        DynamoDbLimits? dynamoDbLimits = null,
        TimeSpan? replicationLag = null)
    {
        regions ??= [DefaultRegionA, DefaultRegionB];
        kinesisLimits ??= KinesisLimits.Strict;
        dynamoDbLimits ??= DynamoDbLimits.Strict;

        var localDirectory = NodeTooling.LocalDirectory();
        await NodeTooling.EnsureEmulatorsInstalledAsync(localDirectory, cancellationToken).ConfigureAwait(false);
        var runs = Path.Combine(localDirectory, ".runs");
        PruneOldRuns(runs);
        var runDirectory = Path.Combine(runs, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(runDirectory);

        var dynamoDbNames = replicationLag is null ? ["dynamodb"] : regions.Select(r => $"dynamodb-{r}").ToList();
        var starting = dynamoDbNames.Select(name => EmulatorProcess.StartAsync(localDirectory, name, "dynamodb", runDirectory, null, cancellationToken)).ToList();
        foreach (var region in regions)
        {
            var s3Data = Directory.CreateDirectory(Path.Combine(runDirectory, $"s3-{region}")).FullName;
            starting.Add(EmulatorProcess.StartAsync(localDirectory, $"kinesis-{region}", "kinesis", runDirectory, null, cancellationToken));
            starting.Add(EmulatorProcess.StartAsync(localDirectory, $"s3-{region}", "s3", runDirectory, s3Data, cancellationToken));
        }

        try
        {
            await Task.WhenAll(starting).ConfigureAwait(false);
        }
        catch
        {
            // Stop the ones that did start, so a failure part way leaves nothing running.
            foreach (var started in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        var processes = starting.Select(t => t.Result).ToList();
        var glue = regions.ToDictionary(region => region, _ => new GlueStandIn());
        var kinesis = regions.ToDictionary(
            region => region,
            region => new StrictKinesis(processes.Single(p => p.Name == $"kinesis-{region}").Endpoint, region, new BasicAWSCredentials("S3RVER", "S3RVER"), kinesisLimits));
        var credentials = new BasicAWSCredentials("S3RVER", "S3RVER");
        var globalTables = replicationLag is { } lag ? new GlobalTables.GlobalTables(lag, credentials) : null;
        var replicas = globalTables is null
            ? []
            : regions.Select(region => new GlobalTables.GlobalTableReplica(region, processes.Single(p => p.Name == $"dynamodb-{region}").Endpoint, globalTables)).ToList();
        var shared = globalTables is null ? new StrictDynamoDb(processes.Single(p => p.Name == "dynamodb").Endpoint, credentials, dynamoDbLimits) : null;
        var dynamoDb = regions.ToDictionary(
            region => region,
            region => shared ?? new StrictDynamoDb(replicas.Single(r => r.Region == region).Endpoint, credentials, dynamoDbLimits));
        var s3 = regions.ToDictionary(region => region, region => new StrictS3(processes.Single(p => p.Name == $"s3-{region}").Endpoint));
        var endpoints = regions.ToDictionary(
            region => region,
            region => new RegionEndpoints(
                region,
                kinesis[region].Endpoint,
                dynamoDb[region].Endpoint,
                s3[region].Endpoint,
                glue[region].Endpoint));
        return new TwoRegionCloud(runDirectory, processes, glue, endpoints, kinesis, dynamoDb, s3, globalTables, replicas);
    }

    private static System.Net.Sockets.Socket BoundNotListening()
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>Keeps the most recent runs' logs for looking into a failure, and removes the rest so test runs do not fill the disk.</summary>
    private static void PruneOldRuns(string runs)
    {
        const int kept = 30;
        if (!Directory.Exists(runs))
        {
            return;
        }

        foreach (var old in new DirectoryInfo(runs).GetDirectories().OrderByDescending(d => d.CreationTimeUtc).Skip(kept))
        {
            try
            {
                old.Delete(recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process's cloud may still be writing there; a later run prunes it.
            }
        }
    }

    public RegionEndpoints Region(string region) =>
        _regions.TryGetValue(region, out var endpoints)
            ? endpoints
            : throw new ArgumentException($"The local cloud has no region '{region}'; it runs {string.Join(", ", _regions.Keys)}.", nameof(region));

    /// <summary>The region's Kinesis endpoint itself: what it throttled and reordered.</summary>
    public StrictKinesis Kinesis(string region) => _kinesis[Region(region).Region];

    /// <summary>UpdateShardCount through the region's endpoint, as a user calls it; returns once its splits and merges are done.</summary>
    public async Task ScaleAsync(string region, string stream, int shards, CancellationToken cancellationToken)
    {
        await CreateKinesisClient(region).UpdateShardCountAsync(new UpdateShardCountRequest(stream, shards), cancellationToken).ConfigureAwait(false);
        await Kinesis(region).Scaling.ScalingOf(stream).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The region's S3 endpoint itself: to move objects between storage classes as a lifecycle rule would, and to let restores finish.</summary>
    public StrictS3 S3(string region) => _s3[Region(region).Region];

    public KinesisClient CreateKinesisClient(string region) =>
        new(new AwsServiceOptions(region, Credentials, AwsEnvironment.HttpClient) { EndpointOverride = Region(region).KinesisEndpoint });

    public AmazonDynamoDBClient CreateDynamoDbClient(string region) =>
        new(Credentials, new AmazonDynamoDBConfig
        {
            ServiceURL = Region(region).DynamoDbEndpoint.ToString(),
            AuthenticationRegion = region,
        });

    public GlueClient CreateGlueClient(string region) =>
        new(new AwsServiceOptions(region, Credentials, AwsEnvironment.HttpClient) { EndpointOverride = Region(region).GlueEndpoint });

    /// <summary>The region's Glue stand-in itself, to inject failures.</summary>
    public GlueStandIn Glue(string region) => _glue[Region(region).Region];

    /// <summary>The region's Lake Formation stand-in, over its Glue catalog: callers and grants are set by whoever uses it.</summary>
    public LakeFormationStandIn LakeFormation(string region) => _lakeFormation[Region(region).Region];

    /// <param name="credentials">Whose requests these are (an assumed role's session, for a drill's IAM gate); default: the local cloud's.</param>
    public AmazonS3Client CreateS3Client(string region, AWSCredentials? credentials = null) =>
        new(credentials ?? Credentials, new AmazonS3Config
        {
            ServiceURL = Region(region).S3Endpoint.ToString(),
            AuthenticationRegion = region,
            ForcePathStyle = true,
        });

    /// <summary>
    /// A regional outage: stops the region's Kinesis and S3 emulators, so every call to them is refused.
    /// (The in-process Glue stand-in stays up; no drill needs its outage yet.) With global tables the
    /// region's DynamoDB replica is cut off too; a shared DynamoDB stays up for the other regions.
    /// </summary>
    public async Task StopRegionAsync(string region)
    {
        Region(region);
        GlobalTables?.CutOff(region);
        await _kinesis[region].DisposeAsync().ConfigureAwait(false);
        await _s3[region].DisposeAsync().ConfigureAwait(false);
        var regional = _processes.Where(p => p.Name == $"kinesis-{region}" || p.Name == $"s3-{region}").ToList();
        foreach (var process in regional)
        {
            _processes.Remove(process);
            await process.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _noSuchRegion.Dispose();
        foreach (var kinesis in _kinesis.Values)
        {
            await kinesis.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var s3 in _s3.Values)
        {
            await s3.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var dynamoDb in _dynamoDb.Values.Distinct())
        {
            await dynamoDb.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync().ConfigureAwait(false);
        }

        if (GlobalTables is not null)
        {
            await GlobalTables.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var lakeFormation in _lakeFormation.Values)
        {
            await lakeFormation.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var glue in _glue.Values)
        {
            await glue.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var process in _processes)
        {
            await process.DisposeAsync().ConfigureAwait(false);
        }
    }
}
