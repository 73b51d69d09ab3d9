using System.Runtime.CompilerServices;
using GoTraceEngine.Parsing;
using GoTraceEngine.Pipeline;
using GoTraceEngine.Reporting;

namespace GoTraceEngine;

// Two-core replay where both threads parse (ReplayParallelism.ParallelParse): the replay loop's thread cuts the input
// into chunks of whole lines (ChunkPipeline); it and a helper thread parse chunks in parallel, and chunks are applied
// one at a time, in input order, by whichever thread finds the oldest one parsed.
//
// Who owns what while the pipeline runs: the loop's thread owns the framer (only its byte count and, at the ends, its
// partial line). Parsing a chunk touches only the chunk (its batch and its own line counts, from its first line number)
// and the parsing thread's front on the name table (NameTable(NameTable): its own cache, the shared table under a
// lock; near the cap on distinct names a chunk is parsed in its apply turn instead, so that names are first seen in
// input order, which decides the ones kept past the cap). Applying a chunk owns, for its turn, everything the apply thread of the other two-thread mode owns (the orderer,
// the prefetch ring, the tables, the timeline, the script counters, the sink, every report message) and adds the
// chunk's counts to the engine's. The turn passes through the pipeline's lock. The loop syncs at heartbeats and at the
// end, after which the engine is single-threaded again.
public partial class TraceEngine<TSink>
{
    /// <summary>The chunk a pipeline aims at: big enough that its lock is taken rarely, small enough to stay in a core's cache.</summary>
    private const int PipelineChunkSize = 256 * 1024;

    private ChunkPipeline? _pipeline;
    private NameTable[]? _nameFronts;
    private long _parallelNamesBelow;

    /// <summary>Starts the pipeline between reads; the framer's partial line becomes the start of the first chunk.</summary>
    private void StartPipeline()
    {
        // A front per parsing thread, and one for chunks parsed in their apply turn.
        _nameFronts ??= [new NameTable(_names), new NameTable(_names), new NameTable(_names)];
        int chunkSize = Math.Min(_options.ReadBufferSize, PipelineChunkSize);

        // A name takes at least 5 bytes of a line (" fn=x"), so the chunks in flight add at most this many names out
        // of input order: below it, which names are past the cap cannot depend on the threads' timing.
        _parallelNamesBelow = _names.Cap - ((long)ChunkPipeline.SlotCount * chunkSize / 5);
        var pipeline = new ChunkPipeline(new ChunkWorker(this), chunkSize, _options.MaxLineLength, _accounting.LinesRead);
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
    /// to be parsed in its apply turn: past the cap, which names are kept depends on the order they are first seen.
    /// </summary>
    private void ParseChunkInParallel(ParsedChunk chunk, NameTable names)
    {
        if (names.SharedCount >= _parallelNamesBelow)
        {
            chunk.ParseInTurn = true;
            return;
        }

        ParseChunk(chunk, names);
    }

    /// <summary>Parses a chunk's lines into its batch and counts.</summary>
    private void ParseChunk(ParsedChunk chunk, NameTable names)
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
        var handler = new ChunkLineHandler(batch, accounting, names);
        framer.Feed(ref handler, chunk.Data);
    }

    /// <summary>Applies a parsed chunk, in its turn, and adds its counts to the engine's.</summary>
    private void ApplyChunk(ParsedChunk chunk)
    {
        if (chunk.ParseInTurn)
        {
            ParseChunk(chunk, _nameFronts![2]);
        }

        ApplyBatch(chunk.Batch);
        _accounting.Add(chunk.Accounting);
    }

    /// <summary>The framer's line callback while a chunk is parsed.</summary>
    private readonly struct ChunkLineHandler(ParsedBatch batch, LineAccounting accounting, NameTable names) : ILineHandler
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void OnLine(ReadOnlySpan<byte> line)
        {
            ParseInto(batch, accounting, names, line);
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

    /// <summary>The pipeline's callbacks.</summary>
    private sealed class ChunkWorker(TraceEngine<TSink> engine) : IChunkWorker
    {
        public void Parse(ParsedChunk chunk, int worker) => engine.ParseChunkInParallel(chunk, engine._nameFronts![worker]);

        public void Apply(ParsedChunk chunk) => engine.ApplyChunk(chunk);
    }
}
