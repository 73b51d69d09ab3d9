using System.Runtime.ExceptionServices;

namespace GoTraceEngine.Pipeline;

/// <summary>What the threads of a <see cref="ChunkPipeline"/> do with each chunk.</summary>
internal interface IChunkWorker
{
    /// <summary>Parses <paramref name="chunk"/> into its batch and counts; runs on both threads at once, on different chunks.</summary>
    /// <param name="chunk">The chunk.</param>
    /// <param name="worker">0 on the reading thread, 1 on the helper: the index of the worker's own state.</param>
    void Parse(ParsedChunk chunk, int worker);

    /// <summary>
    /// Orders a parsed chunk's events (the reorder window): called for one chunk at a time, in input order, on either
    /// thread, while the chunk before it may be in its apply turn on the other. It may take the apply turn too
    /// (<see cref="ChunkPipeline.AwaitApplyTurn"/>, then <see cref="ChunkPipeline.ReleaseApplyTurn"/>).
    /// </summary>
    /// <param name="chunk">The chunk.</param>
    void Order(ParsedChunk chunk);

    /// <summary>Applies an ordered chunk; called for one chunk at a time, in input order, on either thread.</summary>
    /// <param name="chunk">The chunk.</param>
    void Apply(ParsedChunk chunk);
}

/// <summary>
/// A replay on two cores where both parse: the reading thread cuts the input into chunks of whole lines
/// (<see cref="Write"/>) into a small ring of <see cref="ParsedChunk"/>s; it and one helper thread parse chunks in
/// parallel. Each parsed chunk then has two turns, each taken one chunk at a time in input order by whichever thread
/// is free: its order turn (the reorder window) and its apply turn (the tables). The turns are held apart, so one thread
/// can order a chunk while the other applies the chunk before it. Parsing is most of a replay's work when the tables stay
/// in the caches, and a thread that only applied would idle; here both cores share all three kinds of work as it comes.
/// </summary>
/// <remarks>
/// <para>One lock guards the slots' states and the counters; work is done outside it. The lock's acquire/release pairs
/// order a chunk's contents between the threads, and each turn passes from one thread to the other the same way, so
/// what a turn touches (the orderer for the order turn; the tables and the sink for the apply turn) has one owner at a
/// time. A free thread takes, in this order: the apply turn, the order turn, a chunk to parse.</para>
/// <para>Lines are cut where the engine's <see cref="LineFramer"/> would cut them: a chunk ends at a <c>\n</c>, the
/// partial line after it starts the next chunk, a line longer than the maximum is counted (not copied) to its end and
/// travels as a chunk of its own (<see cref="ParsedChunk.TooLongLength"/>), and what is left at the end without a line
/// end is handed back (<see cref="Finish"/>). Each chunk's first line number is known when it is cut, so parsing needs
/// nothing from earlier chunks.</para>
/// <para>Back-pressure: when every slot is in use the reading thread parses, orders or applies instead of reading, and
/// waits only when the helper holds the work. Nothing is allocated per chunk once the slots have grown. An exception in
/// any of the work is kept; the work stops and the reading thread rethrows it at its next call.</para>
/// <para>An order turn that must apply what it releases (a burst) takes the apply turn too
/// (<see cref="AwaitApplyTurn"/>), applying the chunks before its own itself, so it never waits on the other thread.</para>
/// <para>Members other than the helper's loop, <see cref="AwaitApplyTurn"/> and <see cref="ReleaseApplyTurn"/> (called
/// from an order turn, on either thread) are called from the reading thread only.</para>
/// </remarks>
internal sealed class ChunkPipeline : IDisposable
{
    /// <summary>A piece of work.</summary>
    internal enum Turn : byte
    {
        /// <summary>Nothing to do.</summary>
        None,

        /// <summary>Parse the next chunk.</summary>
        Parse,

        /// <summary>The order turn: order the oldest parsed chunk (and the parsed ones after it).</summary>
        Order,

        /// <summary>The apply turn: apply the oldest ordered chunk (and the ordered ones after it).</summary>
        Apply,
    }

    /// <summary>Slots in the ring: two in parsing, one being ordered, one being applied, one being filled, and slack.</summary>
    public const int SlotCount = 8;

    private readonly ParsedChunk[] _slots = new ParsedChunk[SlotCount];
    private readonly IChunkWorker _worker;
    private readonly object _gate = new();
    private readonly Thread _helper;
    private readonly int _chunkSize;
    private readonly int _maxLineLength;
    private ParsedChunk? _filling;
    private long _nextLine;
    private long _discarded;
    private bool _discarding;

    // Guarded by _gate.
    private long _submitted;
    private long _parsedUpTo;
    private long _ordered;
    private long _applied;
    private bool _ordering;
    private bool _applying;

    // The worker that took the order turn, and the apply turn, last (-1: none yet): NextTurn keeps a turn with it.
    private int _orderer = -1;
    private int _applier = -1;
    private bool _stopping;
    private ExceptionDispatchInfo? _fault;

    /// <summary>Creates the slots and starts the helper thread.</summary>
    /// <param name="worker">Parses, orders and applies chunks.</param>
    /// <param name="chunkSize">Bytes a chunk aims at.</param>
    /// <param name="maxLineLength">The engine's longest parsed line.</param>
    /// <param name="linesBefore">Lines of the input before the first chunk.</param>
    public ChunkPipeline(IChunkWorker worker, int chunkSize, int maxLineLength, long linesBefore)
    {
        _worker = worker;
        _chunkSize = chunkSize;
        _maxLineLength = maxLineLength;
        _nextLine = linesBefore + 1;
        for (int i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new ParsedChunk(chunkSize);
        }

        _helper = new Thread(static state => ((ChunkPipeline)state!).Help()) { IsBackground = true, Name = "gotrace parse" };
        _helper.Start(this);
    }

    /// <summary>Bytes the helper thread allocated, once it has ended (for the allocation tests).</summary>
    public long HelperAllocatedBytes { get; private set; }

    /// <summary>Cuts <paramref name="data"/> into chunks of whole lines; full chunks go to the workers.</summary>
    /// <param name="data">The input's next bytes.</param>
    /// <exception cref="Exception">Parsing, ordering or applying an earlier chunk threw: that exception.</exception>
    public void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_discarding)
            {
                int end = data.IndexOf((byte)'\n');
                if (end < 0)
                {
                    _discarded += data.Length;
                    return;
                }

                // The too-long line ends here: it travels alone, in line order.
                ParsedChunk line = Filling();
                line.TooLongLength = _discarded + end;
                _discarding = false;
                _discarded = 0;
                Submit(line);
                data = data[(end + 1)..];
                continue;
            }

            ParsedChunk chunk = Filling();
            Span<byte> free = chunk.Free;
            int take = Math.Min(free.Length, data.Length);
            data[..take].CopyTo(free);
            chunk.Length += take;
            data = data[take..];
            if (chunk.Free.IsEmpty)
            {
                Cut(chunk);
            }
        }
    }

    /// <summary>
    /// The free part of the chunk being filled, to read the input's next bytes into (then <see cref="Advance"/>): no copy,
    /// as <see cref="Write"/> makes. False while a line too long to parse is being counted (<see cref="Write"/> looks for
    /// its end).
    /// </summary>
    /// <param name="free">Where to read to; never empty.</param>
    /// <returns>Whether the bytes may be read there.</returns>
    /// <exception cref="Exception">Parsing, ordering or applying an earlier chunk threw: that exception.</exception>
    public bool TryGetWriteSpan(out Span<byte> free)
    {
        if (_discarding)
        {
            free = default;
            return false;
        }

        free = Filling().Free;
        return true;
    }

    /// <summary>Takes <paramref name="count"/> bytes read into <see cref="TryGetWriteSpan"/>'s span: a chunk they fill goes to the workers.</summary>
    /// <param name="count">The bytes read.</param>
    public void Advance(int count)
    {
        ParsedChunk chunk = _filling!;
        chunk.Length += count;
        if (chunk.Free.IsEmpty)
        {
            Cut(chunk);
        }
    }

    /// <summary>
    /// Hands the whole lines written so far to the workers without waiting for them: a stream that trickles (a live
    /// tracer) has its events applied as they come rather than when a chunk fills.
    /// </summary>
    /// <exception cref="Exception">Parsing, ordering or applying an earlier chunk threw: that exception.</exception>
    public void Flush()
    {
        if (_filling is { } chunk && chunk.Length > 0)
        {
            // The tables are read after these lines: what is due in the reorder window goes with them, as after a Feed.
            chunk.Batch.FlushesRing = true;
            SubmitWholeLines(chunk);
        }
    }

    /// <summary>Hands the whole lines written so far to the workers and waits until they are applied: the engine may be read.</summary>
    /// <exception cref="Exception">Parsing, ordering or applying threw: that exception.</exception>
    public void Sync()
    {
        Flush();
        Drain(throwFault: true);
    }

    /// <summary>
    /// Applies every whole line written, stops the helper, and returns what is left: the partial last line's bytes, or
    /// the length of a too-long one, for the engine's own framer.
    /// </summary>
    /// <param name="partial">The bytes after the last line end.</param>
    /// <param name="discardedLength">The length so far of a too-long partial line, else 0.</param>
    /// <param name="throwFault">Whether to rethrow an exception met in parsing, ordering or applying.</param>
    public void Finish(out ReadOnlySpan<byte> partial, out long discardedLength, bool throwFault = true)
    {
        partial = default;
        discardedLength = _discarding ? _discarded : 0;
        try
        {
            if (_filling is { } chunk && chunk.Length > 0 && _fault is null)
            {
                SubmitWholeLines(chunk, throwFault);
            }

            Drain(throwFault);
        }
        finally
        {
            Stop();
        }

        // After a fault the chunk being filled may hold whole lines no one parsed: nothing goes back then.
        if (_filling is { } last && _fault is null)
        {
            partial = last.Data;
        }
    }

    /// <summary>Stops the helper thread (waiting for its current work).</summary>
    public void Dispose() => Stop();

    private void Stop()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            Monitor.PulseAll(_gate);
        }

        _helper.Join();
    }

    /// <summary>The slot being filled, taking the next free one (parsing, ordering or applying while none is) when there is none.</summary>
    private ParsedChunk Filling() => TryFilling(throwFault: true)!;

    /// <summary><see cref="Filling"/>, or null after a fault when <paramref name="throwFault"/> is false.</summary>
    private ParsedChunk? TryFilling(bool throwFault)
    {
        if (_filling is { } filling)
        {
            return filling;
        }

        while (true)
        {
            lock (_gate)
            {
                if (_fault is not null)
                {
                    if (throwFault)
                    {
                        _fault.Throw();
                    }

                    return null;
                }

                ParsedChunk slot = _slots[_submitted % SlotCount];
                if (slot.State == ChunkState.Free)
                {
                    slot.Reset();
                    slot.State = ChunkState.Filling;
                    _filling = slot;
                    return slot;
                }

                if (!HasWork())
                {
                    Monitor.Wait(_gate);
                    continue;
                }
            }

            RunOne(0);
        }
    }

    /// <summary>A full chunk: its whole lines go to the workers and its partial last line starts the next chunk.</summary>
    private void Cut(ParsedChunk chunk)
    {
        if (chunk.Data.LastIndexOf((byte)'\n') >= 0)
        {
            SubmitWholeLines(chunk);
            return;
        }

        // One line fills the chunk: it grows up to one byte past the longest parsed line (sizes in long: the maximum
        // may be int.MaxValue), and a line past the maximum, or past what an array holds, is only counted.
        long grown = Math.Min(Math.Min(2L * chunk.Length, _maxLineLength + 1L), Array.MaxLength);
        if (chunk.Length > _maxLineLength || grown <= chunk.Length)
        {
            // Too long to parse: only its length is counted from here to its end.
            _discarding = true;
            _discarded = chunk.Length;
            chunk.Length = 0;
            return;
        }

        chunk.EnsureCapacity((int)grown);
    }

    /// <summary>Submits the whole lines of <paramref name="chunk"/>; its partial last line moves to the next slot.</summary>
    private void SubmitWholeLines(ParsedChunk chunk, bool throwFault = true)
    {
        int end = chunk.Data.LastIndexOf((byte)'\n') + 1;
        if (end == 0)
        {
            return;
        }

        int length = chunk.Length;
        chunk.Length = end;
        Submit(chunk);

        // The submitted chunk's bytes past its end are read by nobody else: copy them to the next slot.
        ReadOnlySpan<byte> tail = chunk.Bytes.AsSpan(end, length - end);
        if (!tail.IsEmpty && TryFilling(throwFault) is { } next)
        {
            next.EnsureCapacity(Math.Max(tail.Length + 1, _chunkSize));
            tail.CopyTo(next.Free);
            next.Length = tail.Length;
        }
    }

    private void Submit(ParsedChunk chunk)
    {
        chunk.FirstLine = _nextLine;
        _nextLine += chunk.LineCount;
        _filling = null;
        lock (_gate)
        {
            chunk.State = ChunkState.Filled;
            _submitted++;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Parses, orders and applies (or waits for the helper to) until every submitted chunk is applied.</summary>
    private void Drain(bool throwFault)
    {
        while (true)
        {
            lock (_gate)
            {
                if (_fault is not null)
                {
                    if (throwFault)
                    {
                        _fault.Throw();
                    }

                    return;
                }

                if (_applied == _submitted)
                {
                    return;
                }

                if (!HasWork())
                {
                    Monitor.Wait(_gate);
                    continue;
                }
            }

            RunOne(0);
        }
    }

    /// <summary>Whether a chunk waits to be parsed, or a turn is free and its next chunk is ready for it (under the lock).</summary>
    private bool HasWork() =>
        _fault is null && (_parsedUpTo < _submitted || CanApply() || CanOrder());

    /// <summary>Whether the apply turn is free and the oldest unapplied chunk is ordered. Under <see cref="_gate"/>.</summary>
    private bool CanApply() => !_applying && _applied < _ordered && _slots[_applied % SlotCount].State == ChunkState.Ordered;

    /// <summary>Whether the order turn is free and the oldest unordered chunk is parsed. Under <see cref="_gate"/>.</summary>
    private bool CanOrder() => !_ordering && _ordered < _submitted && _slots[_ordered % SlotCount].State == ChunkState.Parsed;

    /// <summary>
    /// Which work <paramref name="worker"/>, free, takes: the apply turn, else the order turn, else a chunk to parse; but
    /// a turn the other thread took last only when no chunk is left to parse. A turn that moves between the threads
    /// takes what it works on with it (at 1 k live the tables and the window are some thousands of cache lines, pulled
    /// from the other core line by line), and the thread that took it last comes back within a chunk's parse or read.
    /// Measured on the 2-vCPU hosts, against taking any free turn: 1.00–1.09× faster while the two vCPUs were close,
    /// 1.06–1.28× while they were far apart (see <see cref="EventStoreChooser"/>). Whenever there is work, some is
    /// taken, so neither thread waits while the other could go on.
    /// </summary>
    /// <param name="worker">The thread asking: 0, the reading thread; 1, the helper.</param>
    /// <param name="canApply">Whether the apply turn is free and its next chunk ordered.</param>
    /// <param name="canOrder">Whether the order turn is free and its next chunk parsed.</param>
    /// <param name="parseLeft">Whether a submitted chunk waits to be parsed.</param>
    /// <param name="applier">The thread that took the apply turn last (-1: none yet).</param>
    /// <param name="orderer">The thread that took the order turn last (-1: none yet).</param>
    /// <returns>The work to take; <see cref="Turn.None"/> when there is none.</returns>
    internal static Turn NextTurn(int worker, bool canApply, bool canOrder, bool parseLeft, int applier, int orderer)
    {
        if (canApply && (applier == worker || applier < 0 || !parseLeft))
        {
            return Turn.Apply;
        }

        if (canOrder && (orderer == worker || orderer < 0 || !parseLeft))
        {
            return Turn.Order;
        }

        return parseLeft ? Turn.Parse : Turn.None;
    }

    /// <summary>
    /// Does one piece of work if there is one (<see cref="NextTurn"/>). The two turns are held apart, so one thread can
    /// order a chunk while the other applies the one before it.
    /// </summary>
    /// <returns>Whether there was work.</returns>
    private bool RunOne(int worker)
    {
        ParsedChunk chunk;
        Turn turn;
        lock (_gate)
        {
            if (_fault is not null)
            {
                return false;
            }

            turn = NextTurn(worker, CanApply(), CanOrder(), _parsedUpTo < _submitted, _applier, _orderer);
            switch (turn)
            {
                case Turn.Apply:
                    _applier = worker;
                    _applying = true;
                    chunk = _slots[_applied % SlotCount];
                    chunk.State = ChunkState.Applying;
                    break;
                case Turn.Order:
                    _orderer = worker;
                    _ordering = true;
                    chunk = _slots[_ordered % SlotCount];
                    chunk.State = ChunkState.Ordering;
                    break;
                case Turn.Parse:
                    chunk = _slots[_parsedUpTo++ % SlotCount];
                    chunk.State = ChunkState.Parsing;
                    break;
                default:
                    return false;
            }
        }

        try
        {
            switch (turn)
            {
                case Turn.Apply:
                    ApplyInTurn(chunk);
                    break;
                case Turn.Order:
                    OrderInTurn(chunk);
                    break;
                default:
                    _worker.Parse(chunk, worker);
                    lock (_gate)
                    {
                        chunk.State = ChunkState.Parsed;
                        Monitor.PulseAll(_gate);
                    }

                    break;
            }
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                _fault ??= ExceptionDispatchInfo.Capture(e);

                // Only the thread that held a turn gives it up (an order turn that took the apply turn too gave that
                // up itself, in ReleaseApplyTurn or in AwaitApplyTurn).
                _applying &= turn != Turn.Apply;
                _ordering &= turn != Turn.Order;
                Monitor.PulseAll(_gate);
            }
        }

        return true;
    }

    /// <summary>
    /// Called from <see cref="IChunkWorker.Order"/>, for the rare order turn that must apply what it releases itself:
    /// applies, on the calling thread, every chunk before the one being ordered that is ordered and not yet applied (the
    /// other thread may be away reading, or may apply some of them meanwhile), then holds the apply turn as well, until
    /// <see cref="ReleaseApplyTurn"/>. Applying the chunks before it touches nothing the order turn holds.
    /// </summary>
    /// <exception cref="OperationCanceledException">The pipeline faulted or is stopping: the order turn ends.</exception>
    public void AwaitApplyTurn()
    {
        while (true)
        {
            ParsedChunk chunk;
            lock (_gate)
            {
                while (true)
                {
                    if (_fault is not null || _stopping)
                    {
                        // The fault is the other work's, rethrown by the reading thread: this turn only ends.
                        throw new OperationCanceledException("The pipeline stopped while an order turn waited to apply.");
                    }

                    if (!_applying && _applied == _ordered)
                    {
                        _applying = true;
                        return;
                    }

                    if (CanApply())
                    {
                        _applying = true;
                        chunk = _slots[_applied % SlotCount];
                        chunk.State = ChunkState.Applying;
                        break;
                    }

                    Monitor.Wait(_gate);
                }
            }

            bool applied = false;
            try
            {
                _worker.Apply(chunk);
                applied = true;
            }
            finally
            {
                lock (_gate)
                {
                    if (applied)
                    {
                        chunk.State = ChunkState.Free;
                        _applied++;
                    }

                    _applying = false;
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }

    /// <summary>Gives up the apply turn taken by <see cref="AwaitApplyTurn"/>.</summary>
    public void ReleaseApplyTurn()
    {
        lock (_gate)
        {
            _applying = false;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Orders <paramref name="chunk"/> and every chunk after it already parsed, keeping the turn between them.</summary>
    private void OrderInTurn(ParsedChunk chunk)
    {
        while (true)
        {
            _worker.Order(chunk);
            lock (_gate)
            {
                chunk.State = ChunkState.Ordered;
                _ordered++;
                Monitor.PulseAll(_gate);
                ParsedChunk next = _slots[_ordered % SlotCount];
                if (_ordered == _submitted || next.State != ChunkState.Parsed || _fault is not null)
                {
                    _ordering = false;
                    return;
                }

                next.State = ChunkState.Ordering;
                chunk = next;
            }
        }
    }

    /// <summary>Applies <paramref name="chunk"/> and every chunk after it already ordered, keeping the turn between them.</summary>
    private void ApplyInTurn(ParsedChunk chunk)
    {
        while (true)
        {
            _worker.Apply(chunk);
            lock (_gate)
            {
                chunk.State = ChunkState.Free;
                _applied++;
                Monitor.PulseAll(_gate);
                ParsedChunk next = _slots[_applied % SlotCount];
                if (_applied == _ordered || next.State != ChunkState.Ordered || _fault is not null)
                {
                    _applying = false;
                    return;
                }

                next.State = ChunkState.Applying;
                chunk = next;
            }
        }
    }

    /// <summary>The helper thread: parses, orders and applies while there is work, until the pipeline stops.</summary>
    private void Help()
    {
        long allocatedAtStart = GC.GetAllocatedBytesForCurrentThread();
        while (true)
        {
            if (RunOne(1))
            {
                continue;
            }

            lock (_gate)
            {
                if (HasWork())
                {
                    continue;
                }

                if (_stopping)
                {
                    break;
                }

                Monitor.Wait(_gate);
            }
        }

        HelperAllocatedBytes = GC.GetAllocatedBytesForCurrentThread() - allocatedAtStart;
    }
}
