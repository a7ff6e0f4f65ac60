using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Replicator.Aws.Kinesis;

/// <summary>
/// Serializes a PutRecords request into a pooled buffer sized up front from its records, then copies
/// it once into the body: a 5 MiB body is not written through a chain of doubling buffers. This is
/// the relay's hottest allocation.
/// </summary>
internal static class PutRecordsBody
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public static byte[] Serialize(PutRecordsRequest request)
    {
        var capacity = 64 + (request.StreamName.Length * 6);
        foreach (var record in request.Records)
        {
            // {"Data":"…","PartitionKey":"…"}, with room for every key character to be escaped.
            capacity += 32 + record.Data.Base64.Length + (record.PartitionKey.Length * 6);
        }

        var buffer = new RentedBufferWriter(capacity);
        try
        {
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                JsonSerializer.Serialize(writer, request, KinesisJsonContext.Wire.PutRecordsRequest);
            }

            return buffer.Written.ToArray();
        }
        finally
        {
            buffer.Return();
        }
    }

    /// <summary>An <see cref="IBufferWriter{T}"/> over one rented array, grown (rarely) by renting a larger one.</summary>
    private sealed class RentedBufferWriter(int capacity) : IBufferWriter<byte>
    {
        private byte[] _array = ArrayPool<byte>.Shared.Rent(capacity);
        private int _written;

        public ReadOnlySpan<byte> Written => _array.AsSpan(0, _written);

        public void Advance(int count) => _written += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _array.AsMemory(_written);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _array.AsSpan(_written);
        }

        public void Return() => ArrayPool<byte>.Shared.Return(_array);

        private void Ensure(int sizeHint)
        {
            if (_array.Length - _written < Math.Max(sizeHint, 1))
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, _written + sizeHint));
                Written.CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_array);
                _array = larger;
            }
        }
    }
}
