using System.Runtime.CompilerServices;
using GoTraceEngine.Parsing;
using GoTraceEngine.Pipeline;
using GoTraceEngine.Reporting;

namespace GoTraceEngine;

// Two-thread replay: the replay loop's thread frames and parses into batches; a second thread applies them.
//
// Who owns what while the apply thread runs: the parse side (the loop's thread) owns the framer, the line accounting
// and the name table; the apply side owns the orderer, the prefetch ring, the tables, the timeline, the script counters,
// the sink and every report message (TraceMessages has one writer: the rare lines' diagnostics are made on the apply
// side, from bytes copied into the batch, in line order among the events and the orderer's clock diagnostics). The
// loop syncs with the apply side only at heartbeats and at the end, where the tables may be read.
public partial class TraceEngine<TSink>
{
    private BatchChannel? _channel;

    /// <summary>Bytes allocated on apply threads that have ended (for the allocation tests).</summary>
    internal long ApplyThreadAllocatedBytes { get; private set; }

    /// <summary>How many times a replay started a second thread (either kind).</summary>
    internal int ApplyThreadStarts { get; private set; }

    /// <summary>The kind of second thread a replay started last, or <see cref="ReplayParallelism.SingleThread"/>.</summary>
    internal ReplayParallelism SecondThreadMode { get; private set; } = ReplayParallelism.SingleThread;

    /// <summary>Whether a replay uses a second thread now (applying, or parsing and applying).</summary>
    internal bool UsesApplyThread => _channel is not null || _pipeline is not null;

    /// <summary>Which second thread the replay loop should start now (checked between reads), or <see cref="ReplayParallelism.SingleThread"/> for none.</summary>
    private ReplayParallelism SecondThreadToStart()
    {
        if (_channel is not null || _pipeline is not null || Environment.ProcessorCount < 2)
        {
            return ReplayParallelism.SingleThread;
        }

        return _options.Parallelism switch
        {
            ReplayParallelism.ApplyThread => ReplayParallelism.ApplyThread,
            // The pipeline takes over the framer's partial line: not while one too long to keep is being counted.
            ReplayParallelism.ParallelParse when !_framer.IsDiscarding => ReplayParallelism.ParallelParse,
            // Both cores parsing was as fast as or faster than a thread that only applies on every population and
            // format measured (see the README's Two cores); small inputs stay on one thread.
            ReplayParallelism.Auto when _framer.BytesRead >= TraceEngineOptions.AutoSecondThreadBytes && !_framer.IsDiscarding
                => ReplayParallelism.ParallelParse,
            _ => ReplayParallelism.SingleThread,
        };
    }

    /// <summary>Feeds one read's bytes on the path in force: into chunks or batches for a second thread, or straight through.</summary>
    private void FeedChunk(ReadOnlySpan<byte> data)
    {
        if (_channel is null && _pipeline is null)
        {
            Feed(data);

            // Between feeds nothing is held: a second thread takes over the tables as they are.
            switch (SecondThreadToStart())
            {
                case ReplayParallelism.ApplyThread:
                    _channel = new BatchChannel(new BatchApplier(this));
                    ApplyThreadStarts++;
                    SecondThreadMode = ReplayParallelism.ApplyThread;
                    break;
                case ReplayParallelism.ParallelParse:
                    StartPipeline();
                    break;
                default:
                    break;
            }

            return;
        }

        if (_completed)
        {
            Internal.ThrowHelper.ThrowInvalidOperation_Completed();
        }

        if (_pipeline is not null)
        {
            _framer.CountBytes(data.Length);
            _pipeline.Write(data);
            return;
        }

        var handler = new BatchLineHandler(this);
        _framer.Feed(ref handler, data);
    }

    /// <summary>
    /// After a read of <paramref name="length"/> bytes was fed: a read under half the buffer means the stream trickles
    /// (a live tracer, not a file), so the pipeline's whole lines go to the workers now instead of when a chunk fills.
    /// </summary>
    private void AfterRead(long length)
    {
        if (_pipeline is not null && length < _options.ReadBufferSize / 2)
        {
            _pipeline.Flush();
        }
    }

    /// <summary><see cref="FeedChunk(ReadOnlySpan{byte})"/> for every segment of a sequence.</summary>
    private void FeedChunks(in System.Buffers.ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            FeedChunk(buffer.FirstSpan);
            return;
        }

        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            FeedChunk(segment.Span);
        }
    }

    /// <summary>Waits until the apply thread has applied everything fed so far: the engine may be read (a heartbeat).</summary>
    private void SyncApplyThread()
    {
        _channel?.Sync();
        SyncPipeline();
    }

    /// <summary>Applies what is left on the apply thread and ends it: the engine is single-threaded again.</summary>
    /// <param name="throwFault">Whether to rethrow an exception met on the apply thread.</param>
    private void StopApplyThread(bool throwFault = true)
    {
        StopPipeline(throwFault);
        BatchChannel? channel = _channel;
        if (channel is null)
        {
            return;
        }

        _channel = null;
        try
        {
            channel.Stop(throwFault);
        }
        finally
        {
            channel.Dispose();
            ApplyThreadAllocatedBytes += channel.ConsumerAllocatedBytes;
        }
    }

    /// <summary>The parse side of <see cref="ProcessLine"/>: parses and counts one line into the current batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ParseLine(ReadOnlySpan<byte> line)
    {
        BatchChannel channel = _channel!;
        ParseInto(channel.Current, _accounting, _names, line, streams: false);
        if (channel.Current.IsFull)
        {
            channel.Publish();
        }
    }

    /// <summary>The parse side of <see cref="ProcessTooLong"/>.</summary>
    private void ParseTooLong(long length)
    {
        BatchChannel channel = _channel!;
        ParseTooLongInto(channel.Current, _accounting, length);
        if (channel.Current.IsFull)
        {
            channel.Publish();
        }
    }

    /// <summary>
    /// Parses and counts one line into <paramref name="batch"/>: an event is kept, a rare line is copied for the apply
    /// side, any other line is only counted. Used by both two-thread replays, with their batches, counts and name tables.
    /// An event is parsed in place, or, <paramref name="streams"/>, on the stack and then written out in one go
    /// (<see cref="ParsedBatch.AppendStreaming"/>, chosen by <see cref="EventStoreChooser"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ParseInto(ParsedBatch batch, LineAccounting accounting, NameTable names, ReadOnlySpan<byte> line, bool streams)
    {
        long lineNumber = accounting.NextLine();
        Unsafe.SkipInit(out TraceEvent parsed);
        ref TraceEvent slot = ref streams ? ref parsed : ref batch.NextEvent;
        LineCategory category = TraceLineParser.Parse(line, lineNumber, names, out slot, out ParseFailure failure);
        accounting.Count(category);
        if (category == LineCategory.Event)
        {
            if (failure != ParseFailure.None)
            {
                batch.AddRecord(category, failure, lineNumber, line);
            }

            accounting.Count(slot.Kind);
            if ((slot.Fields & TraceEventFields.Timestamp) != 0)
            {
                batch.HasTimestamps = true;
            }

            if (streams)
            {
                batch.AppendStreaming(in slot);
            }
            else
            {
                batch.CommitEvent();
            }
        }
        else if (IsRareLine(category))
        {
            batch.AddRecord(category, failure, lineNumber, line);
        }
    }

    /// <summary>Counts a too-long line into <paramref name="batch"/>, for the apply side's diagnostic.</summary>
    private static void ParseTooLongInto(ParsedBatch batch, LineAccounting accounting, long length)
    {
        long lineNumber = accounting.NextLine();
        accounting.Count(LineCategory.TooLong);
        batch.AddRecord(LineCategory.TooLong, ParseFailure.None, lineNumber, ReadOnlySpan<byte>.Empty, length);
    }

    /// <summary>The apply side: a batch's events and rare lines, in line order, as <see cref="ProcessLine"/> would have handled them.</summary>
    private void ApplyBatch(ParsedBatch batch)
    {
        var walk = new BatchWalk(this);
        batch.Walk(ref walk);
        if (batch.FlushesRing)
        {
            MakeCurrent();
        }
    }

    /// <summary><see cref="ApplyBatch"/>'s walk: the rare lines after what was due, the events through the orderer.</summary>
    private readonly struct BatchWalk(TraceEngine<TSink> engine) : IBatchVisitor
    {
        public bool OnRecord(ParsedBatch batch, in LineRecord record)
        {
            engine.ApplyRecord(batch, in record);
            return false;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void OnEvent(in TraceEvent e, bool marked)
        {
            var applier = new Applier(engine);
            engine._orderer.Push(in e, ref applier);
        }
    }

    /// <summary>A rare line on the apply side.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ApplyRecord(ParsedBatch batch, in LineRecord record)
    {
        ReleaseDue();
        ApplyReleasedRecord(batch, in record);
    }

    /// <summary>A rare line on the apply side, once what was due before it is released.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ApplyReleasedRecord(ParsedBatch batch, in LineRecord record)
    {
        switch (record.Category)
        {
            case LineCategory.Event:
                RecordDroppedField(batch.LineOf(in record), record.LineNumber, record.Failure);
                break;
            case LineCategory.TooLong:
                DiagnoseTooLong(record.LineNumber, record.TooLongLength);
                break;
            default:
                RecordReleased(record.Category, batch.LineOf(in record), record.LineNumber, record.Failure);
                break;
        }
    }

    /// <summary>The framer's line callback on the parse side.</summary>
    private readonly struct BatchLineHandler(TraceEngine<TSink> engine) : ILineHandler
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void OnLine(ReadOnlySpan<byte> line) => engine.ParseLine(line);

        public void OnTooLong(long length) => engine.ParseTooLong(length);
    }

    /// <summary>The apply thread's callback.</summary>
    private sealed class BatchApplier(TraceEngine<TSink> engine) : IBatchConsumer
    {
        public void Apply(ParsedBatch batch) => engine.ApplyBatch(batch);
    }
}
