using System.Buffers;
using System.IO.Pipelines;

namespace GoTraceEngine;

// Whole-input entry points. Each feeds the engine and completes it.
public partial class TraceEngine<TSink>
{
    /// <summary>Reads <paramref name="stream"/> to its end, synchronously, and completes the engine.</summary>
    /// <param name="stream">Tracer output; not disposed.</param>
    /// <exception cref="IOException">Reading failed.</exception>
    public void Replay(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_options.ReadBufferSize);
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                Feed(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        Complete();
    }

    /// <summary>Replays a captured file synchronously and completes the engine.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">Access is denied, or the path is a directory.</exception>
    public void ReplayFile(string path)
    {
        using FileStream stream = OpenFile(path);
        Replay(stream);
    }

    /// <summary>
    /// Reads <paramref name="reader"/> until it completes: each read's buffer is parsed in full and consumed, then the
    /// engine is completed. This is the live path: lines are applied as soon as they arrive.
    /// </summary>
    /// <param name="reader">Tracer output. The caller completes the reader.</param>
    /// <param name="cancellationToken">Stops reading; the engine is then not completed.</param>
    /// <returns>A task that ends with the input.</returns>
    public async ValueTask ReplayAsync(PipeReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            FeedSequence(buffer);
            reader.AdvanceTo(buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }

        Complete();
    }

    /// <summary>Reads <paramref name="stream"/> through a <see cref="PipeReader"/> until its end, then completes the engine.</summary>
    /// <param name="stream">Tracer output (a file, a pipe, a tracer's stdout); not disposed.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>A task that ends with the input.</returns>
    public async ValueTask ReplayAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        PipeReader reader = PipeReader.Create(stream, new StreamPipeReaderOptions(
            bufferSize: _options.ReadBufferSize, minimumReadSize: Math.Min(4096, _options.ReadBufferSize), leaveOpen: true));
        try
        {
            await ReplayAsync(reader, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Replays a captured file through a <see cref="PipeReader"/> and completes the engine.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>A task that ends with the file.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">Access is denied, or the path is a directory.</exception>
    public async ValueTask ReplayFileAsync(string path, CancellationToken cancellationToken = default)
    {
        FileStream stream = OpenFile(path);
        await using (stream.ConfigureAwait(false))
        {
            await ReplayAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Feeds every segment of a sequence (the carry buffer joins lines that straddle segments).</summary>
    /// <param name="buffer">The bytes.</param>
    public void FeedSequence(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            Feed(buffer.FirstSpan);
            return;
        }

        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            Feed(segment.Span);
        }
    }

    private static FileStream OpenFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new UnauthorizedAccessException($"'{path}' is a directory, not a trace file.");
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
    }
}
