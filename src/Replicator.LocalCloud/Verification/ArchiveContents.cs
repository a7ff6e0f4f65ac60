using System.IO.Compression;
using Amazon.S3;
using Amazon.S3.Model;
using Replicator.Archive;

namespace Replicator.LocalCloud.Verification;

/// <summary>Reads an archive back: every GZIP JSON-lines object under a prefix, each line an envelope with the key it was found under.</summary>
public static class ArchiveContents
{
    public static async Task<IReadOnlyList<(string Key, ArchiveEnvelope Envelope)>> ReadAsync(IAmazonS3 s3, string bucket, string prefix, CancellationToken cancellationToken)
    {
        var found = new List<(string, ArchiveEnvelope)>();
        foreach (var item in await ListAsync(s3, bucket, prefix, cancellationToken).ConfigureAwait(false))
        {
            using var response = await s3.GetObjectAsync(bucket, item.Key, cancellationToken).ConfigureAwait(false);
            await using var gzip = new GZipStream(response.ResponseStream, CompressionMode.Decompress);
            using var lines = new StreamReader(gzip);
            while (await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { Length: > 0 } line)
            {
                found.Add((item.Key, ArchiveEnvelope.Parse(System.Text.Encoding.UTF8.GetBytes(line))));
            }
        }

        return found;
    }

    /// <summary>Every object under the prefix, page after page.</summary>
    public static async Task<IReadOnlyList<S3Object>> ListAsync(IAmazonS3 s3, string bucket, string prefix, CancellationToken cancellationToken)
    {
        var objects = new List<S3Object>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            objects.AddRange(page.S3Objects ?? []);
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        return objects;
    }
}
