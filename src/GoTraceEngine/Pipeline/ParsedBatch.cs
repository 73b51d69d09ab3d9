using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using GoTraceEngine.Parsing;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Pipeline;

/// <summary>
/// A run of parsed lines handed from the parsing thread to the applying one: the events, in line order, and beside them
/// the rare lines the apply side must still see (warnings, malformed and too-long lines, trace headers, <c># exit</c>
/// and symbol lines, events with a dropped field), each with its bytes copied into the batch and the position among
/// the events where it was read. Replaying a batch in that order does exactly what processing its lines one by one does.
/// </summary>
/// <remarks>
/// Reused: <see cref="BatchChannel"/> recycles a fixed set of batches, so once their arrays have grown to the trace's
/// rare lines nothing is allocated. Owned by one thread at a time (the channel hands it over). A
/// <see cref="ParsedChunk"/>'s batch holds a whole chunk instead: it grows (<see cref="Grow"/>) rather than being handed
/// over when full.
/// </remarks>
internal sealed class ParsedBatch
{
    /// <summary>
    /// Events per batch: 1 Ki (about 100 KiB, some 80 µs of work for either side), so the ring of batches (800 KiB)
    /// stays in the caches the two cores share; 4 Ki batches cost the apply thread more per event.
    /// </summary>
    public const int EventCapacity = 1024;

    /// <summary>Rare lines per batch; a batch is handed over early when they fill it.</summary>
    public const int RecordCapacity = 256;

    /// <summary>Bytes of rare lines after which a batch is handed over early.</summary>
    public const int ByteLimit = 64 * 1024;

    private TraceEvent[] _events;
    private LineRecord[] _records = new LineRecord[RecordCapacity];
    // Rare lines' bytes: grown when one comes (most batches of a clean trace have none), up to about ByteLimit.
    private byte[] _bytes = [];
    private int _eventCount;
    private int _recordCount;
    private int _byteCount;

    /// <summary>A batch of <paramref name="eventCapacity"/> events.</summary>
    /// <param name="eventCapacity">The events it holds before it is full.</param>
    public ParsedBatch(int eventCapacity = EventCapacity)
    {
        _events = new TraceEvent[eventCapacity];
    }

    /// <summary>Events in the batch.</summary>
    public int EventCount => _eventCount;

    /// <summary>Rare lines in the batch.</summary>
    public int RecordCount => _recordCount;

    /// <summary>
    /// Whether the tables are read after this batch: the apply side empties its prefetch ring after it (an apply turn of
    /// both cores parsing, which leaves the ring empty anyway, has the orderer release what is due with it instead).
    /// </summary>
    public bool FlushesRing { get; set; }

    /// <summary>Whether an event of the batch has a timestamp (<c>ts=</c>): only then can the reorder window hold one of them.</summary>
    public bool HasTimestamps { get; set; }

    /// <summary>Whether this is the last batch: the applying thread stops after it.</summary>
    public bool IsFinal { get; set; }

    /// <summary>Whether the next line might not fit: the batch is handed over.</summary>
    public bool IsFull => _eventCount == _events.Length || _recordCount == _records.Length || _byteCount >= ByteLimit;

    /// <summary>Whether the events or the rare lines fill their arrays: a chunk's batch then grows.</summary>
    public bool IsOutOfRoom => _eventCount == _events.Length || _recordCount == _records.Length;

    /// <summary>Doubles whichever of the events and rare lines is full, so the next line fits (a chunk's batch).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Grow()
    {
        if (_eventCount == _events.Length)
        {
            Array.Resize(ref _events, _events.Length * 2);
        }

        if (_recordCount == _records.Length)
        {
            Array.Resize(ref _records, _records.Length * 2);
        }
    }

    /// <summary>The free slot the next event is parsed into; <see cref="CommitEvent"/> keeps it.</summary>
    public ref TraceEvent NextEvent
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _events[_eventCount];
    }

    /// <summary>
    /// Appends an event with non-temporal stores, which write memory without first taking its cache lines from the core
    /// that last read them (on other than x64, ordinary stores). Another thread may read the batch only after a
    /// <see cref="PublishStreamed"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void AppendStreaming(in TraceEvent e)
    {
        int count = _eventCount;
        ref TraceEvent slot = ref _events[count];
        if (Sse2.X64.IsSupported)
        {
            fixed (TraceEvent* at = &slot)
            {
                ref ulong from = ref Unsafe.As<TraceEvent, ulong>(ref Unsafe.AsRef(in e));
                for (int word = 0; word < sizeof(TraceEvent) / sizeof(ulong); word++)
                {
                    Sse2.X64.StoreNonTemporal((ulong*)at + word, Unsafe.Add(ref from, word));
                }
            }
        }
        else
        {
            slot = e;
        }

        _eventCount = count + 1;
    }

    /// <summary>Makes the events appended by <see cref="AppendStreaming"/> on this thread visible to the others (a store fence).</summary>
    public static void PublishStreamed()
    {
        if (Sse.IsSupported)
        {
            Sse.StoreFence();
        }
    }

    /// <summary>Keeps the event parsed into <see cref="NextEvent"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void CommitEvent() => _eventCount++;

    /// <summary>The events, in line order.</summary>
    public ReadOnlySpan<TraceEvent> Events => new(_events, 0, _eventCount);

    /// <summary>The rare lines, in line order.</summary>
    public ReadOnlySpan<LineRecord> Records => new(_records, 0, _recordCount);

    /// <summary>
    /// Hands the batch to <paramref name="visitor"/> in line order: each record before the event it was kept before,
    /// then the records after the last event. A record can mark the event after it (<see cref="RecordAction.LateEvent"/>).
    /// The one walk of a batch, for applying it, ordering it, and applying what was ordered.
    /// </summary>
    /// <typeparam name="TVisitor">A struct, so the calls are direct.</typeparam>
    /// <param name="visitor">What is done with each record and event.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Walk<TVisitor>(ref TVisitor visitor)
        where TVisitor : struct, IBatchVisitor
    {
        ReadOnlySpan<TraceEvent> events = Events;
        ReadOnlySpan<LineRecord> records = Records;
        int record = 0;
        int nextRecordAt = records.IsEmpty ? int.MaxValue : records[0].EventIndex;
        for (int i = 0; i < events.Length; i++)
        {
            bool marked = false;
            if (i == nextRecordAt)
            {
                while (record < records.Length && records[record].EventIndex == i)
                {
                    marked |= visitor.OnRecord(this, in records[record++]);
                }

                nextRecordAt = record < records.Length ? records[record].EventIndex : int.MaxValue;
            }

            visitor.OnEvent(in events[i], marked);
        }

        while (record < records.Length)
        {
            visitor.OnRecord(this, in records[record++]);
        }
    }

    /// <summary>A rare line's bytes.</summary>
    public ReadOnlySpan<byte> LineOf(in LineRecord record) => new(_bytes, record.Offset, record.Length);

    /// <summary>Keeps a rare line, to be handled before the event parsed next (or at the end of the batch).</summary>
    /// <param name="category">What the line is; <see cref="LineCategory.Event"/> for an event whose field was dropped.</param>
    /// <param name="failure">What could not be read.</param>
    /// <param name="lineNumber">The line's number.</param>
    /// <param name="line">The line's bytes, copied.</param>
    /// <param name="tooLongLength">The length of a <see cref="LineCategory.TooLong"/> line (its bytes were never kept).</param>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void AddRecord(LineCategory category, ParseFailure failure, long lineNumber, ReadOnlySpan<byte> line, long tooLongLength = 0)
    {
        if (_bytes.Length - _byteCount < line.Length)
        {
            // Rare lines longer than what is left: grow to fit (bounded by the limit plus the longest line).
            Array.Resize(ref _bytes, Math.Max(Math.Max(_bytes.Length * 2, 4096), _byteCount + line.Length));
        }

        line.CopyTo(_bytes.AsSpan(_byteCount));
        _records[_recordCount++] = new LineRecord(_eventCount, category, failure, lineNumber, _byteCount, line.Length, tooLongLength);
        _byteCount += line.Length;
    }

    /// <summary>
    /// Keeps one of the orderer's notes (<see cref="RecordAction.LateEvent"/>, <see cref="RecordAction.Diagnostic"/>),
    /// to be acted on before the event added next; the caller grows the batch when <see cref="IsOutOfRoom"/>.
    /// </summary>
    /// <param name="action">What the note is.</param>
    /// <param name="kind">A diagnostic's kind.</param>
    /// <param name="lineNumber">The line it is about.</param>
    /// <param name="message">A diagnostic's text.</param>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void AddNote(RecordAction action, DiagnosticKind kind, long lineNumber, string? message) =>
        _records[_recordCount++] = new LineRecord(_eventCount, LineCategory.Event, ParseFailure.None, lineNumber, 0, 0, 0)
        {
            Action = action,
            Diagnostic = kind,
            Message = message,
        };

    /// <summary>Empties the batch for reuse.</summary>
    public void Clear()
    {
        _eventCount = 0;
        _recordCount = 0;
        _byteCount = 0;
        HasTimestamps = false;
        FlushesRing = false;
        IsFinal = false;
    }
}

/// <summary>A rare line kept in a <see cref="ParsedBatch"/>.</summary>
/// <param name="EventIndex">How many of the batch's events come before it.</param>
/// <param name="Category">What the line is.</param>
/// <param name="Failure">What could not be read.</param>
/// <param name="LineNumber">The line's number.</param>
/// <param name="Offset">Where its bytes start in the batch.</param>
/// <param name="Length">How many bytes.</param>
/// <param name="TooLongLength">The length of a too-long line.</param>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct LineRecord(
    int EventIndex, LineCategory Category, ParseFailure Failure, long LineNumber, int Offset, int Length, long TooLongLength)
{
    /// <summary>What the record stands for: a rare line, or one of the orderer's notes in an ordered batch.</summary>
    public RecordAction Action { get; init; }

    /// <summary>A <see cref="RecordAction.Diagnostic"/>'s kind.</summary>
    public DiagnosticKind Diagnostic { get; init; }

    /// <summary>A <see cref="RecordAction.Diagnostic"/>'s text.</summary>
    public string? Message { get; init; }
}

/// <summary>What <see cref="ParsedBatch.Walk"/> does with a batch's records and events. Implement it on a <see langword="struct"/>.</summary>
internal interface IBatchVisitor
{
    /// <summary>A record, in its place; returns whether it marks the event after it (a late event).</summary>
    bool OnRecord(ParsedBatch batch, in LineRecord record);

    /// <summary>An event; <paramref name="marked"/> when a record before it marked it.</summary>
    void OnEvent(in TraceEvent e, bool marked);
}

/// <summary>What a <see cref="LineRecord"/> stands for.</summary>
internal enum RecordAction : byte
{
    /// <summary>A rare line, handled where it was read.</summary>
    Line,

    /// <summary>The event after it arrived later than the reorder window: judged against its goroutine's state before it is applied.</summary>
    LateEvent,

    /// <summary>A diagnostic of the orderer's, reported after the events before it.</summary>
    Diagnostic,
}
