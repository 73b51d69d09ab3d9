using GoTraceEngine.Reporting;

namespace GoTraceEngine.Pipeline;

/// <summary>
/// One slot of a <see cref="ChunkPipeline"/>: a run of whole input lines (its bytes end at a line end), what parsing
/// them produced (a <see cref="ParsedBatch"/> that grows to hold them all) and their counts. Reused: once its arrays
/// have grown to the input's chunks, nothing is allocated.
/// </summary>
internal sealed class ParsedChunk
{
    private byte[] _bytes;

    /// <summary>A slot whose buffer holds <paramref name="capacity"/> bytes at first.</summary>
    /// <param name="capacity">The chunk size aimed at.</param>
    public ParsedChunk(int capacity)
    {
        _bytes = new byte[capacity];

        // A trace line with an event is rarely under 32 bytes: the batch seldom has to grow.
        Batch = new ParsedBatch(Math.Max(64, capacity / 32));
    }

    /// <summary>The buffer; <see cref="Length"/> bytes of it are the chunk.</summary>
    public byte[] Bytes => _bytes;

    /// <summary>The chunk's bytes: whole lines, each ended by <c>\n</c>.</summary>
    public int Length { get; set; }

    /// <summary>The buffer's free part, after <see cref="Length"/>.</summary>
    public Span<byte> Free => _bytes.AsSpan(Length);

    /// <summary>The chunk's bytes.</summary>
    public ReadOnlySpan<byte> Data => _bytes.AsSpan(0, Length);

    /// <summary>The line number of the chunk's first line.</summary>
    public long FirstLine { get; set; }

    /// <summary>
    /// When above 0 the chunk is one line too long to parse, of this many bytes, that ran through several reads
    /// (<see cref="Length"/> is then 0).
    /// </summary>
    public long TooLongLength { get; set; }

    /// <summary>
    /// Whether the chunk is parsed when its order turn comes, by the thread ordering it, rather than in parallel:
    /// near the cap on distinct names, names must be added in input order, as one thread adds them.
    /// </summary>
    public bool ParseInTurn { get; set; }

    /// <summary>
    /// The chunk's events and rare lines, once parsed; after its order turn, unless the chunk passed as parsed (no
    /// timestamps, nothing held), what the orderer released, in time order (the order turn swaps in the batch it filled
    /// and keeps the parsed one for the next chunk).
    /// </summary>
    public ParsedBatch Batch { get; set; }

    /// <summary>The chunk's line and event counts, once parsed.</summary>
    public LineAccounting Accounting { get; } = new();

    /// <summary>Where the slot is in its cycle (guarded by the pipeline's lock).</summary>
    public ChunkState State { get; set; }

    /// <summary>Lines in the chunk.</summary>
    public long LineCount => TooLongLength > 0 ? 1 : System.MemoryExtensions.Count(Data, (byte)'\n');

    /// <summary>Makes the buffer hold at least <paramref name="capacity"/> bytes, keeping the chunk's.</summary>
    /// <param name="capacity">The bytes needed.</param>
    public void EnsureCapacity(int capacity)
    {
        if (capacity > _bytes.Length)
        {
            Array.Resize(ref _bytes, (int)Math.Min(Math.Max(capacity, 2L * _bytes.Length), Array.MaxLength));
        }
    }

    /// <summary>Empties the slot for the next chunk (its arrays are kept).</summary>
    public void Reset()
    {
        Length = 0;
        TooLongLength = 0;
        ParseInTurn = false;
        Batch.Clear();
    }
}

/// <summary>The cycle of a <see cref="ParsedChunk"/> slot.</summary>
internal enum ChunkState : byte
{
    /// <summary>Free to be filled.</summary>
    Free,

    /// <summary>Being filled by the reading thread.</summary>
    Filling,

    /// <summary>Filled, waiting to be parsed.</summary>
    Filled,

    /// <summary>Being parsed by a worker.</summary>
    Parsing,

    /// <summary>Parsed, waiting for its order turn.</summary>
    Parsed,

    /// <summary>In its order turn: its events go through the reorder window.</summary>
    Ordering,

    /// <summary>Ordered, waiting for its apply turn.</summary>
    Ordered,

    /// <summary>Being applied.</summary>
    Applying,
}
