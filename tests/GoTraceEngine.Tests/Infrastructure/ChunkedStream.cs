namespace GoTraceEngine.Tests.Infrastructure;

/// <summary>A read-only stream that returns its data in scripted read sizes (cycled), to cut lines anywhere.</summary>
internal sealed class ChunkedStream(byte[] data, int[] readSizes) : ReadOnlyStream
{
    private int _position;
    private int _call;

    public override long Length => data.Length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        int size = Math.Min(Math.Min(readSizes[_call++ % readSizes.Length], buffer.Length), data.Length - _position);
        data.AsSpan(_position, size).CopyTo(buffer);
        _position += size;
        return size;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));
}
