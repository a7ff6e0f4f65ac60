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
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.S3Objects ?? [])
            {
                using var response = await s3.GetObjectAsync(bucket, item.Key, cancellationToken).ConfigureAwait(false);
                await using var gzip = new GZipStream(response.ResponseStream, CompressionMode.Decompress);
                using var lines = new StreamReader(gzip);
                while (await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { Length: > 0 } line)
                {
                    found.Add((item.Key, ArchiveEnvelope.Parse(System.Text.Encoding.UTF8.GetBytes(line))));
                }
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        return found;
    }
}
