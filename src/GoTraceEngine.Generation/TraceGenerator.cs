namespace GoTraceEngine.Generation;

/// <summary>
/// Writes deterministic synthetic traces: a scheduler-like mix of creates, parks with realistic reasons, readies and
/// destroys over a steady live population, g pointers reused from a free list, and a chosen number of leaks.
/// For tests and benchmarks: large inputs are generated, never committed.
/// </summary>
/// <remarks>The same options write the same bytes. Not thread-safe; one instance writes one trace.</remarks>
/// <example><code>
/// using FileStream file = File.Create("trace.txt");
/// long events = new TraceGenerator(new TraceGeneratorOptions { Seed = 7, Bytes = 1L &lt;&lt; 30, Leaks = 25 }).Write(file);
/// </code></example>
public sealed partial class TraceGenerator
{
    private const ulong GBase = 0xc000010000UL;
    private const ulong GSize = 0x1a0;
    private const ulong ParentG = 0xc000006000UL;
    private const ulong ChannelBase = 0xc000100000UL;
    private const long DrainIntervalNs = 1_000_000;
    private const long TickIntervalNs = 1_000_000_000;
    private const int BufferSize = 1 << 20;
    private const int MaxRecord = 512;

    private static readonly string[] s_functions =
    [
        "main.(*Server).handle", "main.(*Server).serve.func1", "net/http.(*conn).serve", "main.worker", "main.(*Pool).run",
        "main.fetch.func2", "main.(*Cache).refresh", "main.consume", "main.produce", "main.(*Batcher).flush",
        "golang.org/x/sync/errgroup.(*Group).Go.func1", "main.pipeline.func3", "main.(*Client).roundTrip",
        "main.retry.func1", "main.(*Ticker).loop", "main.scatter.func1", "main.gather.func1", "main.(*Queue).drain",
        "main.watchConfig.func1", "main.(*Conn).readLoop",
    ];

    private static readonly string[] s_creators =
    [
        "main.(*Server).Serve", "main.main", "main.(*Pool).Start", "net/http.(*Server).Serve", "main.fanOut",
    ];

    private static readonly (string Fn, string Creator, byte Reason, byte Wait)[] s_leakKinds =
    [
        ("main.Gather.func1", "main.Gather", 6, 15),
        ("main.(*Pool).worker", "main.(*Pool).Start", 7, 14),
        ("main.watch.func1", "main.watch", 3, 9),
        ("main.(*Store).update", "main.(*Store).Sync", 5, 21),
    ];

    private readonly TraceGeneratorOptions _options;
    private readonly Random _random;
    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly byte[][] _cpuBuffers;
    private readonly int[] _cpuLengths;
    private readonly Stack<ulong> _freeGs = new();
    private Slot[] _live;
    private int _liveCount;
    private int _blockedCount;
    private int _leaked;
    private int _leakedLive;
    private ulong _nextG = GBase;
    private long _nextGoId = 18;
    private int _position;
    private Stream _output = Stream.Null;
    private long _flushed;
    private long _events;
    private long _ts = 1_000_000_000;
    private long _nextDrain = 1_000_000_000 + DrainIntervalNs;
    private long _nextTick = 2_000_000_000;

    /// <summary>Creates a generator.</summary>
    /// <param name="options">What to write; needs <see cref="TraceGeneratorOptions.Events"/> or <see cref="TraceGeneratorOptions.Bytes"/>.</param>
    /// <exception cref="ArgumentException">Neither a size in events nor in bytes was given.</exception>
    public TraceGenerator(TraceGeneratorOptions options)
    {
        if (options.Events <= 0 && options.Bytes <= 0)
        {
            throw new ArgumentException("Give a size: Events or Bytes.", nameof(options));
        }

        _options = options;
        _random = new Random(options.Seed);
        _live = new Slot[Math.Max(16, options.Live + options.Leaks + 1)];
        _cpuBuffers = new byte[options.Cpus][];
        _cpuLengths = new int[options.Cpus];
        for (int i = 0; i < _cpuBuffers.Length; i++)
        {
            _cpuBuffers[i] = new byte[1 << 16];
        }
    }

    /// <summary>Writes the whole trace to <paramref name="output"/>.</summary>
    /// <param name="output">The destination; not disposed.</param>
    /// <returns>The number of event lines written (goroutine events, ticks and the final <c>END</c>).</returns>
    /// <exception cref="IOException">Writing failed.</exception>
    public long Write(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        WriteHeader();
        long leakEvery = _options.Leaks > 0 ? Math.Max(1, EstimatedEvents() / (_options.Leaks + 1)) : long.MaxValue;
        long nextLeak = leakEvery;
        while (!Done())
        {
            if (_leaked < _options.Leaks && _events >= nextLeak)
            {
                Leak();
                nextLeak += leakEvery;
            }
            else if (_liveCount < _options.Live)
            {
                Create();
            }
            else
            {
                Step();
            }

            if (_options.Format == TraceFormat.Full)
            {
                AdvanceClock();
            }
            else if (_events % 20_000 == 0)
            {
                Ticks();
            }
        }

        // Leaks still owed when the size ran out are placed now, so the count asked for is the count written.
        while (_leaked < _options.Leaks)
        {
            Leak();
        }

        End();
        Flush();
        return _events;
    }

    private long EstimatedEvents() =>
        _options.Events > 0 ? _options.Events : _options.Bytes / (_options.Format == TraceFormat.NonQuiet ? 110 : 70);

    private bool Done() =>
        (_options.Events > 0 && _events >= _options.Events) || (_options.Bytes > 0 && _flushed + _position + CpuBytes() >= _options.Bytes);

    private int CpuBytes()
    {
        int total = 0;
        foreach (int length in _cpuLengths)
        {
            total += length;
        }

        return total;
    }

    /// <summary>One scheduler step on a random live goroutine: a running one parks or exits, a parked one is readied.</summary>
    private void Step()
    {
        int i = _random.Next(_liveCount);
        ref Slot slot = ref _live[i];
        if (slot.State == SlotState.Running)
        {
            if (_random.Next(10) < 7)
            {
                Park(ref slot);
            }
            else
            {
                Destroy(i);
            }
        }
        else
        {
            Ready(ref slot);
        }
    }

    private void Create()
    {
        ulong g = _freeGs.Count > 0 ? _freeGs.Pop() : NewG();
        ref Slot slot = ref _live[_liveCount++];
        slot = new Slot
        {
            G = g,
            GoId = _nextGoId++,
            Function = _random.Next(s_functions.Length),
            Creator = _random.Next(s_creators.Length),
            Cpu = _random.Next(_options.Cpus),
            State = SlotState.Running,
        };
        WriteCreate(in slot, s_functions[slot.Function], s_creators[slot.Creator]);
    }

    private void Park(ref Slot slot)
    {
        (byte reason, byte wait, bool blocking, bool onObject) = PickReason();
        ulong obj = onObject ? ChannelBase + ((ulong)_random.Next(512) * 0x60) : 0;
        slot.State = blocking ? SlotState.Blocked : SlotState.Parked;
        if (blocking)
        {
            _blockedCount++;
        }

        WritePark(in slot, reason, wait, obj);
        if (_random.Next(200) == 0)
        {
            // The entry probe fires twice when gopark's prologue grows the stack and retries.
            WritePark(in slot, reason, wait, obj);
        }
    }

    private void Ready(ref Slot slot)
    {
        if (slot.State == SlotState.Blocked)
        {
            _blockedCount--;
        }

        slot.State = SlotState.Running;
        if (_random.Next(8) == 0)
        {
            slot.Cpu = _random.Next(_options.Cpus);
        }

        WriteSimple(in slot, EventKind.Ready);
    }

    private void Destroy(int index)
    {
        Slot slot = _live[index];
        _live[index] = _live[--_liveCount];
        _freeGs.Push(slot.G);
        WriteSimple(in slot, EventKind.Destroy);
    }

    /// <summary>A goroutine that blocks forever: created, parked on a blocking reason, never readied. It stays out of the live pool.</summary>
    private void Leak()
    {
        (string fn, string creator, byte reason, byte wait) = s_leakKinds[_leaked % s_leakKinds.Length];
        _leaked++;
        var slot = new Slot { G = NewG(), GoId = _nextGoId++, Cpu = _random.Next(_options.Cpus), State = SlotState.Blocked };
        _leakedLive++;
        WriteCreate(in slot, fn, creator);
        if (_options.Format == TraceFormat.Full)
        {
            AdvanceClock();
        }

        _blockedCount++;
        WritePark(in slot, reason, wait, reason == 3 ? 0 : ChannelBase + 0x100000 + ((ulong)(_leaked % s_leakKinds.Length) * 0x60));
    }

    private ulong NewG()
    {
        ulong g = _nextG;
        _nextG += GSize;
        return g;
    }

    /// <summary>Park reasons in proportions a busy server shows (traceBlockReason, with the matching Go 1.22 waitReason).</summary>
    private (byte Reason, byte Wait, bool Blocking, bool OnObject) PickReason() => _random.Next(100) switch
    {
        < 30 => (7, 14, true, true),     // chan receive
        < 50 => (3, 9, true, false),     // select
        < 58 => (6, 15, true, true),     // chan send
        < 66 => (5, 21, true, true),     // sync (Mutex.Lock)
        < 68 => (4, 20, true, true),     // sync.Cond.Wait
        < 80 => (2, 2, false, false),    // network (IO wait)
        < 92 => (14, 19, false, false),  // sleep
        < 97 => (11, 28, false, false),  // preempted
        _ => (10, 26, false, false),     // system goroutine (GC worker idle)
    };

    private void AdvanceClock()
    {
        // About 200k events per second of trace time: a busy program under a tracer.
        _ts += 1_000 + _random.Next(8_000);
        if (_ts >= _nextDrain)
        {
            DrainCpuBuffers();
            _nextDrain = _ts + DrainIntervalNs;
        }

        if (_ts >= _nextTick)
        {
            Ticks();
            _nextTick += TickIntervalNs;
        }
    }

    private enum SlotState : byte
    {
        Running,
        Parked,
        Blocked,
    }

    private enum EventKind : byte
    {
        Ready,
        Destroy,
    }

    private struct Slot
    {
        public ulong G;
        public long GoId;
        public int Function;
        public int Creator;
        public int Cpu;
        public SlotState State;
    }
}
