using System.Buffers;
using System.IO.Pipelines;
using GoTraceEngine.Reporting;

namespace GoTraceEngine;

// Whole-input entry points. Each feeds the engine and completes it.
public partial class TraceEngine<TSink>
{
    /// <summary>Reads <paramref name="stream"/> to its end, synchronously, and completes the engine.</summary>
    /// <param name="stream">Tracer output; not disposed.</param>
    /// <exception cref="IOException">Reading failed.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public void Replay(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        EnterUse();
        try
        {
            ReadToEnd(stream, CancellationToken.None);
        }
        finally
        {
            ExitUse();
        }
    }

    /// <summary>Replays a captured file (plain, or gzip-compressed) synchronously and completes the engine.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">Access is denied, or the path is a directory.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public void ReplayFile(string path)
    {
        ThrowIfDisposed();
        using Stream stream = OpenFile(path);
        Replay(stream);
    }

    /// <summary>
    /// Reads <paramref name="reader"/> until it completes: each read's buffer is parsed in full and consumed, then the
    /// engine is completed. This is the live path: lines are applied as soon as they arrive.
    /// </summary>
    /// <param name="reader">Tracer output. The caller completes the reader.</param>
    /// <param name="cancellationToken">Stops reading (<see cref="OperationCanceledException"/>); the engine is then not completed.</param>
    /// <returns>A task that ends with the input.</returns>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public ValueTask ReplayAsync(PipeReader reader, CancellationToken cancellationToken = default) =>
        ReplayAsync(reader, Timeout.InfiniteTimeSpan, null, cancellationToken);

    /// <summary>
    /// Reads <paramref name="reader"/> until it completes, calling <paramref name="heartbeat"/> on the reading thread
    /// between reads at least every <paramref name="interval"/>, also while no data arrives (a live dashboard reads the
    /// engine there), then completes the engine.
    /// </summary>
    /// <param name="reader">Tracer output. The caller completes the reader.</param>
    /// <param name="interval">How often <paramref name="heartbeat"/> runs at least; <see cref="Timeout.InfiniteTimeSpan"/> for never.</param>
    /// <param name="heartbeat">Called between reads, where the engine may be read; null for none.</param>
    /// <param name="cancellationToken">Stops reading (<see cref="OperationCanceledException"/>); the engine is then not completed.</param>
    /// <returns>A task that ends with the input.</returns>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public async ValueTask ReplayAsync(PipeReader reader, TimeSpan interval, Action<TraceEngine<TSink>>? heartbeat, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        EnterUse();
        try
        {
            using Timer? timer = heartbeat is null || interval == Timeout.InfiniteTimeSpan
                ? null
                : new Timer(static state => ((PipeReader)state!).CancelPendingRead(), reader, interval, interval);
            long nextBeat = Environment.TickCount64 + (long)interval.TotalMilliseconds;
            try
            {
                await ReadAllAsync(reader, interval, heartbeat, nextBeat, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // What was read is applied; the engine is single-threaded again for the caller's Complete.
                StopApplyThread(throwFault: false);
                throw;
            }

            StopApplyThread();
            Complete();
        }
        finally
        {
            ExitUse();
        }
    }

    /// <summary>The read loop of <see cref="ReplayAsync(PipeReader, TimeSpan, Action{TraceEngine{TSink}}?, CancellationToken)"/>.</summary>
    private async ValueTask ReadAllAsync(PipeReader reader, TimeSpan interval, Action<TraceEngine<TSink>>? heartbeat, long nextBeat, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Only the wait for more is abandoned: what was already read is applied, then the caller learns of the cancellation.
                if (reader.TryRead(out ReadResult buffered))
                {
                    FeedChunks(buffered.Buffer);
                    reader.AdvanceTo(buffered.Buffer.End);
                }

                throw;
            }

            if (heartbeat is not null && (result.IsCanceled || Environment.TickCount64 >= nextBeat))
            {
                SyncApplyThread();
                heartbeat(this);
                nextBeat = Environment.TickCount64 + (long)interval.TotalMilliseconds;
                if (result.IsCanceled && result.Buffer.IsEmpty && !result.IsCompleted)
                {
                    reader.AdvanceTo(result.Buffer.Start);
                    continue;
                }
            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            FeedChunks(buffer);
            reader.AdvanceTo(buffer.End);
            AfterRead(buffer.Length);
            if (result.IsCompleted || (result.IsCanceled && heartbeat is null))
            {
                break;
            }
        }
    }

    /// <summary>Reads <paramref name="stream"/> through a <see cref="Pipe"/> until its end, then completes the engine.</summary>
    /// <param name="stream">Tracer output (a file, a pipe, a tracer's stdout); not disposed.</param>
    /// <param name="cancellationToken">
    /// Stops reading, even while the stream has no data: the method then throws <see cref="OperationCanceledException"/>
    /// and the engine is not completed (call <see cref="Complete(IncompleteReason, string?)"/>).
    /// </param>
    /// <returns>A task that ends with the input.</returns>
    /// <exception cref="IOException">Reading failed.</exception>
    /// <remarks>
    /// The stream is read on its own task into a pipe the engine drains, so reading the next chunk overlaps parsing
    /// this one. A pipe or terminal read cannot be cancelled by the operating system; when the token fires while such a
    /// read waits, the read is abandoned (it ends when the writer next writes or closes) and this method returns at once.
    /// </remarks>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public ValueTask ReplayAsync(Stream stream, CancellationToken cancellationToken = default) =>
        ReplayAsync(stream, Timeout.InfiniteTimeSpan, null, cancellationToken);

    /// <summary>
    /// Reads <paramref name="stream"/> like <see cref="ReplayAsync(Stream, CancellationToken)"/>, calling
    /// <paramref name="heartbeat"/> between reads at least every <paramref name="interval"/>, also while no data arrives.
    /// </summary>
    /// <param name="stream">Tracer output; not disposed.</param>
    /// <param name="interval">How often <paramref name="heartbeat"/> runs at least; <see cref="Timeout.InfiniteTimeSpan"/> for never.</param>
    /// <param name="heartbeat">Called between reads on the reading thread, where the engine may be read; null for none.</param>
    /// <param name="cancellationToken">Stops reading, even while the stream has no data (<see cref="OperationCanceledException"/>).</param>
    /// <returns>A task that ends with the input.</returns>
    /// <exception cref="IOException">Reading failed.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public async ValueTask ReplayAsync(Stream stream, TimeSpan interval, Action<TraceEngine<TSink>>? heartbeat, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ThrowIfDisposed();
        int chunk = _options.ReadBufferSize;
        var pipe = new Pipe(new PipeOptions(
            pauseWriterThreshold: 4L * chunk, resumeWriterThreshold: 2L * chunk, minimumSegmentSize: Math.Min(chunk, 1 << 16), useSynchronizationContext: false));
        Task pump = PumpAsync(stream, pipe.Writer, chunk, cancellationToken);
        try
        {
            await ReplayAsync(pipe.Reader, interval, heartbeat, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
        }

        await pump.ConfigureAwait(false);
    }

    /// <summary>Copies the stream into the pipe; a read error completes the pipe with it, so the engine's read throws it.</summary>
    private static async Task PumpAsync(Stream stream, PipeWriter writer, int chunk, CancellationToken cancellationToken)
    {
        await Task.Yield();
        Exception? failure = null;
        try
        {
            while (true)
            {
                Memory<byte> memory = writer.GetMemory(chunk);
                int read = await stream.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                writer.Advance(read);

                // Not cancelled: bytes already read reach the engine, which applies them before it stops.
                FlushResult flushed = await writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The engine's own read sees the same token and reports the cancellation.
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ObjectDisposedException or UnauthorizedAccessException or NotSupportedException)
        {
            failure = e;
        }

        await writer.CompleteAsync(failure).ConfigureAwait(false);
    }

    /// <summary>
    /// Replays a captured file (plain, or gzip-compressed) and completes the engine: with both cores parsing, a regular
    /// file is read straight into the pipeline's chunks on a pool thread; anything else (one thread, a gzip capture, a
    /// FIFO or <c>/dev/stdin</c>, whose reads may wait for a writer) through a <see cref="Pipe"/>, whose wait a
    /// cancellation abandons at once.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>A task that ends with the file.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">Access is denied, or the path is a directory.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public async ValueTask ReplayFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        Stream stream = OpenFile(path);
        await using (stream.ConfigureAwait(false))
        {
            if (stream is FileStream { CanSeek: true } && ReadsIntoChunks)
            {
                // Both cores will parse a regular file: it is read straight into the pipeline's chunks, on a pool thread.
                // (A read of a FIFO can wait for its writer, and only the pipe's wait can be abandoned.)
                EnterUse();
                try
                {
                    await Task.Run(() => ReadToEnd(stream, cancellationToken), cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    ExitUse();
                }

                return;
            }

            await ReplayAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether a regular file is better read on one thread, straight into the chunks both cores parse (the replay loop
    /// then runs on that thread), than through a pipe filled by another task. A read into a chunk saves copying it there: measured on 1 GB traces against the
    /// pipe, interleaved, the seed format at 1 k live (where both cores are busy the whole run) took 1.05× less wall
    /// time over 11 runs in a quiet hour (1.11× and 0.99× in two noisier sets of 7), the other populations and the full
    /// format 1.0–1.09×. One thread (<see cref="ReplayParallelism.SingleThread"/>, or a thread that only applies) keeps
    /// the pipe: there the other task's reads run beside the parsing (reading on the engine's thread: 0.97–0.99× wall).
    /// </summary>
    /// <summary>Reads made straight into a pipeline's chunk (for the tests).</summary>
    internal long ChunkReads { get; private set; }

    private bool ReadsIntoChunks =>
        _options.Parallelism is ReplayParallelism.Auto or ReplayParallelism.ParallelParse && Environment.ProcessorCount > 1;

    /// <summary>
    /// Reads <paramref name="stream"/> to its end on this thread and completes the engine: while both cores parse, each
    /// read goes straight into the chunk being filled; otherwise into a buffer that is fed. A read that returns less
    /// than asked and under half a read buffer means the stream trickles: its whole lines are handed on at once.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired between reads (a read that waits is not abandoned): what was read is applied, and the engine is not completed.</exception>
    private void ReadToEnd(Stream stream, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_options.ReadBufferSize);
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int read;
                if (_pipeline is { } pipeline && pipeline.TryGetWriteSpan(out Span<byte> free))
                {
                    read = stream.Read(free);
                    if (read == 0)
                    {
                        break;
                    }

                    _framer.CountBytes(read);
                    ChunkReads++;
                    pipeline.Advance(read);
                    if (read < free.Length && read < _options.ReadBufferSize / 2)
                    {
                        pipeline.Flush();
                    }

                    continue;
                }

                read = stream.Read(buffer, 0, buffer.Length);
                if (read == 0)
                {
                    break;
                }

                FeedChunk(buffer.AsSpan(0, read));
                AfterRead(read);
            }
        }
        catch
        {
            // What was read is applied; the engine is single-threaded again for the caller.
            StopApplyThread(throwFault: false);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        StopApplyThread();
        Complete();
    }

    /// <summary>Feeds every segment of a sequence (the carry buffer joins lines that straddle segments).</summary>
    /// <param name="buffer">The bytes.</param>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
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

    /// <summary>Opens a trace file; a gzip-compressed capture (by its magic bytes, when the file can seek) is decompressed as it is read.</summary>
    private static Stream OpenFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new UnauthorizedAccessException($"'{path}' is a directory, not a trace file.");
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        try
        {
            if (file.CanSeek && file.Length >= 2)
            {
                Span<byte> magic = stackalloc byte[2];
                file.ReadExactly(magic);
                file.Position = 0;
                if (magic[0] == 0x1f && magic[1] == 0x8b)
                {
                    return new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress, leaveOpen: false);
                }
            }
        }
        catch
        {
            file.Dispose();
            throw;
        }

        return file;
    }
}
