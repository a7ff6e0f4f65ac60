using System.IO.Compression;

namespace Replicator.Replay;

/// <summary>An object Firehose wrote into the archive bucket: GZIP-compressed JSON lines.</summary>
public static class ArchiveObject
{
    /// <summary>The object's lines, without their newlines and without empty ones.</summary>
    public static List<ReadOnlyMemory<byte>> Lines(byte[] gzipped)
    {
        using var unzipped = new MemoryStream(gzipped.Length * 4);
        using (var gzip = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress))
        {
            gzip.CopyTo(unzipped);
        }

        var lines = new List<ReadOnlyMemory<byte>>();
        ReadOnlyMemory<byte> rest = unzipped.GetBuffer().AsMemory(0, (int)unzipped.Length);
        while (!rest.IsEmpty)
        {
            var end = rest.Span.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            if (!line.IsEmpty)
            {
                lines.Add(line);
            }

            rest = end < 0 ? ReadOnlyMemory<byte>.Empty : rest[(end + 1)..];
        }

        return lines;
    }
}
