using System.Diagnostics;
using System.Runtime.CompilerServices;
using GoTraceEngine.Parsing;
using GoTraceEngine.Pipeline;
using GoTraceEngine.Reporting;

namespace GoTraceEngine;

// Two-core replay where both threads parse (ReplayParallelism.ParallelParse): the replay loop's thread cuts the input
// into chunks of whole lines (ChunkPipeline); it and a helper thread parse chunks in parallel, and each chunk is then
// ordered and applied, one chunk at a time in input order for each, by whichever thread is free.
//
// Who owns what while the pipeline runs: the loop's thread owns the framer (only its byte count and, at the ends, its
// partial line). Parsing a chunk touches only the chunk (its batch and its own line counts, from its first line number)
// and the parsing thread's front on the name table (NameTable(NameTable): its own cache, the shared table under a
// lock; near the cap on distinct names a chunk is parsed in its order turn instead, so that names are first seen in
// input order, which decides the ones kept past the cap). A chunk's order turn owns the orderer (the reorder window and
// its clock) and the batch it releases into: what the orderer releases, its diagnostics and its late events are
// written, in order, into a batch that replaces the chunk's own (OrderTurnApplier), with the chunk's rare lines where
// they stand among them. A chunk's apply turn owns everything else the apply thread of the other two-thread mode owns
// (the prefetch ring, the tables, the script counters, the sink, every report message), applies that batch, and adds
// the chunk's counts to the engine's; it never touches the orderer, which the next chunk's order turn may hold. (An
// order turn that releases more than a batch should hold, after a clock jump, takes the apply turn too.) With a
// timeline (it reads the orderer's clock as it applies) the apply turn orders too, as before. The turns pass through
// the pipeline's lock. The loop syncs at heartbeats and at the end, after which the engine is single-threaded again.
public partial class TraceEngine<TSink>
{
    /// <summary>
    /// The chunk a pipeline aims at: big enough that its lock is taken rarely, small enough that a chunk and its parsed
    /// events stay in a core's cache. 128 KiB against 256: the same speed (1 GB traces, both formats, 1 k to 1 M live,
    /// 7 to 9 interleaved runs: 0.98–1.03×, the spread of identical builds), and the eight slots hold about 3 MB less at
    /// 1 M live (peak RSS of a full-format replay with <c>gopc=</c>: 160.3 → 157.3 MB).
    /// </summary>
    private const int PipelineChunkSize = 128 * 1024;

    private ChunkPipeline? _pipeline;

    /// <summary>Events an order turn may release into its batch, at least: past them (and twice its chunk's events) it applies them itself.</summary>
    private const int OrderedBatchMinimum = 4096;

    // The batch the next order turn releases into (owned by whoever holds the order turn): it swaps with the chunk's
    // parsed batch, so ordering costs one batch more than the ring's, not one a slot.
    private ParsedBatch? _orderedBatch;
    private NameTable[]? _nameFronts;
    private EventStoreChooser[]? _eventStores;
    private long _parallelNamesBelow;

    /// <summary>
    /// For tests: whether chunks parsed in parallel stream their events (<see langword="true"/>) or store them in place
    /// (<see langword="false"/>) always, instead of as measured (<see langword="null"/>). Set before a replay.
    /// </summary>
    internal bool? StreamParsedEvents { get; set; }

    /// <summary>Starts the pipeline between reads; the framer's partial line becomes the start of the first chunk.</summary>
    private void StartPipeline()
    {
        // A front per parsing thread, and one for chunks parsed in their order turn.
        _nameFronts ??= [new NameTable(_names), new NameTable(_names), new NameTable(_names)];
        _eventStores ??= [new EventStoreChooser(StreamParsedEvents), new EventStoreChooser(StreamParsedEvents)];
        int chunkSize = Math.Min(_options.ReadBufferSize, PipelineChunkSize);

        // A name takes at least 5 bytes of a line (" fn=x"), so the chunks in flight add at most this many names out
        // of input order: below it, which names are past the cap cannot depend on the threads' timing.
        _parallelNamesBelow = _names.Cap - ((long)ChunkPipeline.SlotCount * chunkSize / 5);
        // An order turn cut short by a failure may have left released events in the spare batch: they were never applied.
        _orderedBatch?.Clear();
        var worker = new ChunkWorker(this);
        var pipeline = new ChunkPipeline(worker, chunkSize, _options.MaxLineLength, _accounting.LinesRead);
        worker.Pipeline = pipeline;
        _pipeline = pipeline;
        ApplyThreadStarts++;
        SecondThreadMode = ReplayParallelism.ParallelParse;
        ReadOnlySpan<byte> carried = _framer.CarriedLine;
        if (!carried.IsEmpty)
        {
            pipeline.Write(carried);
            _framer.ClearCarry();
        }
    }

    /// <summary>Applies every whole line written to the pipeline: the engine may be read (a heartbeat).</summary>
    private void SyncPipeline()
    {
        if (_pipeline is { } pipeline)
        {
            pipeline.Sync();
            MakeCurrent();
        }
    }

    /// <summary>Applies what the pipeline holds and stops it; its partial last line goes back to the framer.</summary>
    private void StopPipeline(bool throwFault)
    {
        ChunkPipeline? pipeline = _pipeline;
        if (pipeline is null)
        {
            return;
        }

        _pipeline = null;
        try
        {
            pipeline.Finish(out ReadOnlySpan<byte> partial, out long discardedLength, throwFault);
            _framer.Restore(partial, discardedLength);
            MakeCurrent();
        }
        finally
        {
            pipeline.Dispose();
            ApplyThreadAllocatedBytes += pipeline.HelperAllocatedBytes;
        }
    }

    /// <summary>
    /// Parses a chunk on the calling thread, with its name front; or, once the distinct names near their cap, leaves it
    /// to be parsed in its order turn: past the cap, which names are kept depends on the order they are first seen.
    /// </summary>
    private void ParseChunkInParallel(ParsedChunk chunk, int worker)
    {
        NameTable names = _nameFronts![worker];
        if (names.SharedCount >= _parallelNamesBelow)
        {
            chunk.ParseInTurn = true;
            return;
        }

        // Timed per byte, for the thread's choice of stores: two clock reads a chunk.
        EventStoreChooser stores = _eventStores![worker];
        bool streams = stores.NextStreams();
        long start = Stopwatch.GetTimestamp();
        ParseChunk(chunk, names, streams);
        stores.Record(streams, Stopwatch.GetTimestamp() - start, chunk.Length);
    }

    /// <summary>Parses a chunk's lines into its batch and counts; streaming its events (<see cref="EventStoreChooser"/>) or not.</summary>
    private void ParseChunk(ParsedChunk chunk, NameTable names, bool streams = false)
    {
        ParsedBatch batch = chunk.Batch;
        LineAccounting accounting = chunk.Accounting;
        accounting.Restart(chunk.FirstLine - 1);
        if (chunk.TooLongLength > 0)
        {
            ParseTooLongInto(batch, accounting, chunk.TooLongLength);
            return;
        }

        // The chunk ends at a line end, so a fresh framer cuts every line of it as the engine's framer would.
        var framer = new LineFramer(_options.MaxLineLength);
        var handler = new ChunkLineHandler(batch, accounting, names, streams);
        framer.Feed(ref handler, chunk.Data);
        if (streams)
        {
            ParsedBatch.PublishStreamed();
        }
    }

    /// <summary>
    /// A chunk's order turn: puts its events through the reorder window into the batch that will replace the chunk's own,
    /// with its rare lines where they stand among what was released (<see cref="OrderTurnApplier"/>). The tables are not
    /// touched (the chunk before may be in its apply turn on the other thread), unless the turn releases more than a
    /// batch should hold: then it takes the apply turn too and applies directly. A chunk without timestamps, while nothing
    /// is held, passes as it was parsed (the orderer would apply each event as it came). With a timeline, which reads the
    /// orderer's clock as it applies, ordering stays in the apply turn.
    /// </summary>
    private void OrderChunk(ParsedChunk chunk, ChunkPipeline pipeline)
    {
        if (chunk.ParseInTurn)
        {
            ParseChunk(chunk, _nameFronts![2]);
        }

        ParsedBatch batch = chunk.Batch;
        if (_options.TimelinePoints > 0 || (!batch.HasTimestamps && _orderer.PendingEvents == 0))
        {
            return;
        }

        int events = batch.EventCount;
        ParsedBatch ordered = _orderedBatch ??= new ParsedBatch(events + 64);
        var turn = new OrderTurnApplier(this, pipeline, ordered, Math.Max(2 * events, OrderedBatchMinimum));
        try
        {
            batch.Walk(ref turn);
            if (batch.FlushesRing)
            {
                // The tables are read after this chunk: what is due goes with it (its apply turn leaves the prefetch
                // ring empty, as every apply turn does; a turn that took the tables empties it here).
                _orderer.ReleaseDue(ref turn);
                if (turn.HoldsTables)
                {
                    FlushRing();
                }
            }
        }
        finally
        {
            if (turn.HoldsTables)
            {
                pipeline.ReleaseApplyTurn();
            }
        }

        // The chunk's apply turn takes what was released (nothing, if the turn applied it itself); the parsed batch,
        // read, takes the next chunk's release.
        chunk.Batch = ordered;
        batch.Clear();
        _orderedBatch = batch;
    }

    /// <summary>Applies an ordered chunk, in its turn, and adds its counts to the engine's.</summary>
    private void ApplyChunk(ParsedChunk chunk)
    {
        if (_options.TimelinePoints > 0)
        {
            ApplyBatch(chunk.Batch);
        }
        else
        {
            ApplyInOrder(chunk.Batch);
        }

        _accounting.Add(chunk.Accounting);
    }

    /// <summary>
    /// The apply turn of a chunk whose order turn is done: its events straight to the tables, in the batch's order, its
    /// rare lines and the orderer's notes where they stand. Never touches the orderer, which the next chunk's order turn
    /// may hold.
    /// </summary>
    /// <remarks>
    /// The batch is in memory, in the order its events apply, so the walk looks ahead in it for the prefetch instead of
    /// passing each event through the prefetch ring: event i + <see cref="PrefetchRing.Depth"/> has its slots loaded as
    /// event i is applied, the lead time the ring gives, without copying every event into the ring and out again. On the
    /// critical path of a replay past the caches (the apply turn at 100 k–1 M live): 1.07× at 100 k and 1 M live, seed
    /// format, 1 GB, five interleaved runs each. The ring is emptied first: what an order turn that took the tables, or
    /// the engine before the pipeline, left in it goes before this batch.
    /// </remarks>
    private void ApplyInOrder(ParsedBatch batch)
    {
        FlushRing();
        bool prefetch = _state.Live.IsPrefetchUseful;
        if (prefetch)
        {
            ReadOnlySpan<TraceEvent> first = batch.Events;
            for (int i = 0; i < first.Length && i < PrefetchRing.Depth; i++)
            {
                PrefetchRing.PrefetchSlots(in first[i], _state);
            }
        }

        var walk = new OrderedWalk(this, batch, prefetch);
        batch.Walk(ref walk);
    }

    /// <summary>
    /// <see cref="ApplyInOrder"/>'s walk: each event straight to the tables (a marked one judged as late), the slots of the
    /// event <see cref="PrefetchRing.Depth"/> further on loaded first while the tables are past the caches.
    /// </summary>
    private struct OrderedWalk(TraceEngine<TSink> engine, ParsedBatch batch, bool prefetch) : IBatchVisitor
    {
        private int _ahead = PrefetchRing.Depth;

        public readonly bool OnRecord(ParsedBatch batch, in LineRecord record) => engine.ApplyNote(batch, in record);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void OnEvent(in TraceEvent e, bool marked)
        {
            if (prefetch)
            {
                ReadOnlySpan<TraceEvent> events = batch.Events;
                int ahead = _ahead++;
                if ((uint)ahead < (uint)events.Length)
                {
                    PrefetchRing.PrefetchSlots(in events[ahead], engine._state);
                }
            }

            if (marked)
            {
                engine.ApplyLate(in e);
            }
            else
            {
                engine.ApplyUnlessStopped(in e);
            }
        }
    }

    /// <summary>A record of an ordered batch: a rare line or a diagnostic, handled now; returns whether it marks the next event late.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ApplyNote(ParsedBatch batch, in LineRecord record)
    {
        switch (record.Action)
        {
            case RecordAction.LateEvent:
                return true;
            case RecordAction.Diagnostic:
                _messages.Diagnose(record.Diagnostic, record.LineNumber, record.Message!, ReadOnlySpan<byte>.Empty);
                return false;
            default:
                ApplyReleasedRecord(batch, in record);
                return false;
        }
    }

    /// <summary>The framer's line callback while a chunk is parsed.</summary>
    private readonly struct ChunkLineHandler(ParsedBatch batch, LineAccounting accounting, NameTable names, bool streams) : ILineHandler
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void OnLine(ReadOnlySpan<byte> line)
        {
            ParseInto(batch, accounting, names, line, streams);
            if (batch.IsOutOfRoom)
            {
                batch.Grow();
            }
        }

        public void OnTooLong(long length)
        {
            ParseTooLongInto(batch, accounting, length);
            if (batch.IsOutOfRoom)
            {
                batch.Grow();
            }
        }
    }

    /// <summary>
    /// The orderer's applier in a chunk's order turn: what the orderer releases goes, in its order, into the batch the
    /// chunk's apply turn hands to the tables, with a late event marked to be judged there and the orderer's diagnostics
    /// at their place among the events. Past its limit it takes the apply turn too and applies directly. A mutable
    /// struct: the orderer takes it by reference.
    /// </summary>
    private struct OrderTurnApplier(TraceEngine<TSink> engine, ChunkPipeline pipeline, ParsedBatch output, int limit) : IEventApplier, IBatchVisitor
    {
        private bool _holdsTables;

        /// <summary>Whether the turn has taken the tables: what is released is applied at once.</summary>
        public readonly bool HoldsTables => _holdsTables;

        /// <summary>A rare line of the chunk being ordered: what was due before it is released, then the line follows it.</summary>
        public bool OnRecord(ParsedBatch batch, in LineRecord record)
        {
            engine._orderer.ReleaseDue(ref this);
            if (_holdsTables)
            {
                engine.ApplyReleasedRecord(batch, in record);
                return false;
            }

            output.AddRecord(record.Category, record.Failure, record.LineNumber, batch.LineOf(in record), record.TooLongLength);
            if (output.IsOutOfRoom)
            {
                output.Grow();
            }

            return false;
        }

        /// <summary>An event of the chunk being ordered: into the reorder window.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void OnEvent(in TraceEvent e, bool marked) => engine._orderer.Push(in e, ref this);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(in TraceEvent e)
        {
            if (_holdsTables)
            {
                var applier = new Applier(engine);
                applier.Apply(in e);
                return;
            }

            output.NextEvent = e;
            output.CommitEvent();
            if (output.IsOutOfRoom || output.EventCount >= limit)
            {
                MakeRoom();
            }
        }

        public void ApplyLate(in TraceEvent e)
        {
            if (_holdsTables)
            {
                engine.ApplyLate(in e);
                return;
            }

            Note(RecordAction.LateEvent, default, e.LineNumber, null);
            Apply(in e);
        }

        public void Diagnose(DiagnosticKind kind, long lineNumber, string message)
        {
            if (_holdsTables)
            {
                engine._messages.Diagnose(kind, lineNumber, message, ReadOnlySpan<byte>.Empty);
                return;
            }

            Note(RecordAction.Diagnostic, kind, lineNumber, message);
        }

        private void Note(RecordAction action, DiagnosticKind kind, long lineNumber, string? message)
        {
            output.AddNote(action, kind, lineNumber, message);
            if (output.IsOutOfRoom)
            {
                output.Grow();
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void MakeRoom()
        {
            if (output.EventCount < limit)
            {
                output.Grow();
                return;
            }

            // More than the batch should hold (a clock that jumps past the window, or restarts, releases up to
            // everything held at once): take the apply turn too (applying the chunks before this one first), apply
            // what was released so far, and apply the rest of the chunk directly, as one thread would. The batch
            // stays empty, so the chunk's own apply turn only adds its counts.
            pipeline.AwaitApplyTurn();
            _holdsTables = true;
            engine.ApplyInOrder(output);
            output.Clear();
        }
    }

    /// <summary>The pipeline's callbacks.</summary>
    private sealed class ChunkWorker(TraceEngine<TSink> engine) : IChunkWorker
    {
        public void Parse(ParsedChunk chunk, int worker) => engine.ParseChunkInParallel(chunk, worker);

        /// <summary>The pipeline this worker serves: an order turn may take its apply turn (also while it finishes).</summary>
        public ChunkPipeline? Pipeline { get; set; }

        public void Order(ParsedChunk chunk) => engine.OrderChunk(chunk, Pipeline!);

        public void Apply(ParsedChunk chunk) => engine.ApplyChunk(chunk);
    }
}
