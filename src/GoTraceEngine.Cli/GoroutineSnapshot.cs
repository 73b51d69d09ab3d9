using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using GoTraceEngine.State;
using Microsoft.Win32.SafeHandles;

namespace GoTraceEngine.Cli;

/// <summary>
/// The goroutines a running Go process holds blocked, read out of its memory (<c>/proc/PID/mem</c>) right after the
/// tracer's probes attached: the goroutines that parked before the attach and may never park again, which a trace
/// alone cannot see. Each becomes a park line of the attach script's form, stamped with the moment just before it was
/// read, so the engine follows it from there as it follows a goroutine met at its first park.
/// </summary>
/// <remarks>
/// <para>The runtime keeps every g it ever made in <c>runtime.allgs</c> (a <c>[]*g</c> that only grows; a g's memory
/// is never freed). A g whose <c>atomicstatus</c> (less the GC's scan bit) is <c>_Gwaiting</c> (or Go 1.26's
/// <c>_Gleaked</c>) and whose
/// <c>waitreason</c> is one of the blocking reasons (channels, select, the sync package) is written; running, runnable,
/// dead and otherwise waiting ones (network, sleep, the runtime's own) are not, nor are the runtime's own goroutines,
/// which Go's dumps leave out too.</para>
/// <para>Why each line's timestamp is taken before its g is read: the probes are attached, so whatever the goroutine
/// does after the read is in the trace with a later timestamp, and the engine, which orders by time, applies it after
/// the snapshot's park. A park the trace saw before the read is the same park (the engine keeps its start).</para>
/// <para>The read is done in steps (<see cref="Step"/>) between the trace's own chunks, so a snapshot of a million
/// goroutines never holds the trace back by more than a step: the engine's reorder window covers the rest.</para>
/// <para>Not thread-safe: one reader, on the tracing loop's thread.</para>
/// </remarks>
internal sealed class GoroutineSnapshot : IDisposable
{
    /// <summary>How many g's one <see cref="Step"/> reads.</summary>
    private const int StepSize = 4096;

    /// <summary>How many bytes one read of the process's memory takes at most (a few g's, a few hundred bytes each).</summary>
    private const int WindowSize = 64 * 1024;

    /// <summary>The most goroutines a snapshot reads (the runtime's own limit is memory: 16 M g's are several GB).</summary>
    private const long MaxGoroutines = 1 << 24;

    private const uint Waiting = 4;
    private const uint Dead = 6;

    /// <summary>Go 1.26's <c>_Gdeadextra</c>: a dead g kept for a cgo callback's extra M.</summary>
    private const uint DeadExtra = 11;

    /// <summary>Go 1.26's <c>_Gleaked</c>: a waiting goroutine its GC proved can never wake (the goroutineleak profile).</summary>
    private const uint Leaked = 10;

    /// <summary>The GC is scanning the stack: a status change waits for the scan to end (<c>casgstatus</c> spins).</summary>
    private const uint ScanBit = 0x1000;

    private readonly int _pid;
    private readonly SafeFileHandle _memory;
    private readonly Func<ulong, string?> _functionAt;
    private readonly Dictionary<ulong, bool> _system = [];
    private readonly GOffsets _offsets;
    private readonly byte[] _traceReasonOf;

    // The waitReasons of a channel operation (chan send, chan receive): its gopark's lock argument is the channel's lock.
    private readonly bool[] _channelWait = new bool[256];
    private readonly ulong _allgLength;
    private readonly ulong _allgPointer;
    private readonly ulong[] _probes;
    private readonly bool _hasLeaked;
    private readonly ulong _channelWord;
    private readonly List<ulong> _scanned = [];
    private readonly List<Found> _found = [];
    private ulong[]? _gs;
    private readonly byte[] _window = new byte[WindowSize];
    private readonly int _gSize;
    private int _next;

    private GoroutineSnapshot(int pid, SafeFileHandle memory, GoroutineLayout layout, ReasonTable waits, byte[] traceReasonOf, int gSize, bool hasLeaked)
    {
        _pid = pid;
        _memory = memory;
        _functionAt = layout.FunctionAt;
        _offsets = layout.Offsets;
        _traceReasonOf = traceReasonOf;
        for (int code = 0; code < 256; code++)
        {
            _channelWait[code] = waits.IsKnown((byte)code) && waits.GetName((byte)code) is "chan send" or "chan receive";
        }
        (_allgLength, _allgPointer, _probes) = (layout.AllgLength, layout.AllgPointer, layout.Probes);
        _gSize = gSize;
        _hasLeaked = hasLeaked;

        // Go 1.26 made sudog.c a maybeTraceableChan { vp, vu }: vu, the second word, is the channel (the leak-finding GC
        // clears vp while it runs).
        _channelWord = hasLeaked ? 8UL : 0;
    }

    /// <summary>How many goroutines (g's not dead) the snapshot has read so far.</summary>
    public int Goroutines { get; private set; }

    /// <summary>How many blocked goroutines the snapshot has written so far.</summary>
    public int Blocked { get; private set; }

    /// <summary>
    /// Opens the snapshot of process <paramref name="pid"/>: finds <c>runtime.allgs</c> and opens the process's memory
    /// (the g's are read from the first <see cref="Step"/> on, once <see cref="ProbesAttached"/>). Null, with one line
    /// saying why, when the binary or the machine does not allow it (a
    /// position-independent executable, DWARF without the fields, a Go release whose waitReason numbering is unknown,
    /// or the process's memory cannot be read).
    /// </summary>
    public static GoroutineSnapshot? Open(int pid, GoSymbols names, GOffsets offsets, GoVersion version, out string? error)
    {
        error = null;
        if (names.IsPositionIndependent)
        {
            error = "it is a position-independent executable, whose variables' addresses are chosen at run time (build it with -buildmode=exe)";
            return null;
        }

        if (offsets.Status is null || offsets.WaitReason is null)
        {
            error = "its DWARF does not describe g.atomicstatus and g.waitreason";
            return null;
        }

        if (!ReasonTable.TryFor(ReasonNumbering.Wait, version, out ReasonTable? waits))
        {
            error = $"the runtime's waitReason numbering of go{version.Major}.{version.Minor} is not known (Go 1.21 and later are)";
            return null;
        }

        // The runtime's lock-free view of allgs (atomicAllG): its length, then its array, each one word.
        if (names.Symbol("runtime.allglen") is not { } allgLength || names.Symbol("runtime.allgptr") is not { } allgPointer)
        {
            error = "it has no runtime.allglen and runtime.allgptr symbols";
            return null;
        }

        ulong[] probes = [.. new[] { "runtime.gopark", "runtime.ready" }.Select(names.Symbol).OfType<ulong>()];
        return Open(pid, new GoroutineLayout(allgLength, allgPointer, probes, offsets, names.SymbolAt), waits, version, out error);
    }

    /// <summary>
    /// <see cref="Open(int, GoSymbols, GOffsets, GoVersion, out string?)"/> once the addresses are known (the tests lay
    /// out goroutines in their own memory and read them through <c>/proc/self/mem</c>).
    /// </summary>
    internal static GoroutineSnapshot? Open(int pid, GoroutineLayout layout, ReasonTable waits, GoVersion version, out string? error)
    {
        error = null;
        GOffsets offsets = layout.Offsets;
        SafeFileHandle memory;
        try
        {
            memory = File.OpenHandle($"/proc/{pid}/mem", FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"its memory cannot be read ({e.Message}; reading another process's memory needs root, or CAP_SYS_PTRACE)";
            return null;
        }

        int size = 8 + Math.Max(
            Math.Max(offsets.GoId, Math.Max(offsets.GoPc, offsets.StartPc)),
            Math.Max(Math.Max(offsets.Status ?? 0, offsets.WaitReason ?? 0), Math.Max(offsets.WaitSince ?? 0, offsets.Waiting ?? 0)));
        return new GoroutineSnapshot(
            pid, memory, layout, waits, TraceReasons(waits, ReasonTable.For(ReasonNumbering.Trace, version)), size, version >= new GoVersion(1, 26));
    }

    /// <summary>
    /// Whether the tracer's probes on <c>runtime.gopark</c> and <c>runtime.ready</c> are in: a uprobe is a breakpoint
    /// (<c>int3</c>, 0xCC) written over the first byte of the function in the process's own copy of the page. Read
    /// before the probes are in, a goroutine released before they are would stay blocked in the report for good.
    /// </summary>
    public bool ProbesAttached()
    {
        Span<byte> first = stackalloc byte[1];
        foreach (ulong probe in _probes)
        {
            if (!TryRead(_memory, probe, first) || first[0] != 0xCC)
            {
                return false;
            }
        }

        return _probes.Length > 0;
    }

    /// <summary>
    /// Reads the g pointers as the runtime's <c>atomicAllG</c> does: <c>runtime.allglen</c>, then
    /// <c>runtime.allgptr</c>. The runtime stores the array before the length, and an array it outgrows is never freed,
    /// so the first <c>allglen</c> entries of <c>allgptr</c> are always g's. Null, or one line saying why it cannot.
    /// </summary>
    private string? ReadGoroutines()
    {
        Span<byte> word = stackalloc byte[8];
        if (!TryRead(_memory, _allgLength, word))
        {
            return "runtime.allglen cannot be read from its memory";
        }

        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(word);
        if (!TryRead(_memory, _allgPointer, word))
        {
            return "runtime.allgptr cannot be read from its memory";
        }

        ulong array = BinaryPrimitives.ReadUInt64LittleEndian(word);
        if (length > MaxGoroutines || (length > 0 && array == 0))
        {
            return $"runtime.allglen reads {length} goroutines at 0x{array:x}, more than {MaxGoroutines} or none";
        }

        byte[] pointers = new byte[length * 8];
        if (length > 0 && !TryRead(_memory, array, pointers))
        {
            return "the goroutines of runtime.allgptr cannot be read from its memory";
        }

        List<ulong> gs = new((int)length);
        for (int i = 0; i < (int)length; i++)
        {
            // A g is 8-byte aligned, in the user half of the address space.
            if (BinaryPrimitives.ReadUInt64LittleEndian(pointers.AsSpan(i * 8)) is var g and not 0 and < long.MaxValue / 2 && g % 8 == 0)
            {
                gs.Add(g);
            }
        }

        gs.Sort();
        _gs = [.. gs];
        return null;
    }

    /// <summary>
    /// Reads the next g's and appends the lines of the blocked ones to <paramref name="lines"/> (complete lines, in
    /// the attach script's raw form: <c>fn=</c> and <c>creator=</c> are pcs, for <see cref="TraceSymbolizer"/>).
    /// Returns false once every g is read.
    /// </summary>
    /// <exception cref="IOException">The g pointers cannot be read (the message says why).</exception>
    public bool Step(StringBuilder lines)
    {
        if (_gs is null && ReadGoroutines() is { } error)
        {
            throw new IOException(error);
        }

        ulong[] gs = _gs!;
        int end = Math.Min(gs.Length, _next + StepSize);
        if (_next == gs.Length)
        {
            // Last, the g's whose stacks the GC was scanning: once more each, after the scan has had time to end.
            foreach (ulong g in _scanned)
            {
                long stamp = Posix.MonotonicNanoseconds();
                if (TryRead(_memory, g, _window.AsSpan(0, _gSize)))
                {
                    Write(g, _window.AsSpan(0, _gSize), stamp, lastLook: true);
                }
            }

            _scanned.Clear();
            WriteFound(lines);
            return false;
        }

        while (_next < end)
        {
            // The g's sit in the heap's spans, sorted here by address: one read takes every g of a window.
            ulong first = gs[_next];
            int count = 1;
            while (_next + count < end && gs[_next + count] + (ulong)_gSize - first <= (ulong)_window.Length)
            {
                count++;
            }

            // Stamped before the read: whatever a g does after it reaches the trace later than its park here.
            long ts = Posix.MonotonicNanoseconds();
            int length = (int)(gs[_next + count - 1] + (ulong)_gSize - first);
            if (count > 1 && TryRead(_memory, first, _window.AsSpan(0, length)))
            {
                for (int i = 0; i < count; i++)
                {
                    Write(gs[_next + i], _window.AsSpan((int)(gs[_next + i] - first), _gSize), ts, lastLook: false);
                }
            }
            else
            {
                // A window that crosses memory the process has not mapped: each g on its own.
                for (int i = 0; i < count; i++)
                {
                    ulong g = gs[_next + i];
                    ts = Posix.MonotonicNanoseconds();
                    if (TryRead(_memory, g, _window.AsSpan(0, _gSize)))
                    {
                        Write(g, _window.AsSpan(0, _gSize), ts, lastLook: false);
                    }
                }
            }

            _next += count;
        }

        WriteFound(lines);
        return true;
    }

    /// <summary>
    /// Writes the line of one g read at <paramref name="ts"/> when it is blocked. A g whose stack the GC is scanning is
    /// looked at again at the end (unless this is that <paramref name="lastLook"/>): a ready of it may have begun (its
    /// probe fired, with an earlier timestamp than this read's) and be waiting for the scan to change its status.
    /// </summary>
    private void Write(ulong g, ReadOnlySpan<byte> fields, long ts, bool lastLook)
    {
        uint word = BinaryPrimitives.ReadUInt32LittleEndian(fields[_offsets.Status!.Value..]);
        uint status = word & ~ScanBit;
        if (status == Dead || status == 0 || (status == DeadExtra && _hasLeaked))
        {
            return;
        }

        Goroutines++;
        byte wait = fields[_offsets.WaitReason!.Value];
        byte reason = _traceReasonOf[wait];
        ulong startPc = BinaryPrimitives.ReadUInt64LittleEndian(fields[_offsets.StartPc..]);
        long goid = BinaryPrimitives.ReadInt64LittleEndian(fields[_offsets.GoId..]);
        if ((status != Waiting && !(status == Leaked && _hasLeaked)) || reason == 0 || goid <= 0 || IsSystem(startPc))
        {
            return;
        }

        if ((word & ScanBit) != 0 && !lastLook)
        {
            Goroutines--;
            _scanned.Add(g);
            return;
        }

        Blocked++;

        // g.waitsince, on the runtime's nanotime (CLOCK_MONOTONIC, as bpftrace's nsecs): the first GC cycle whose stack
        // scan sees it waiting sets it to the end of the cycle before (work.tstart), so it is when the goroutine began
        // to wait, to within a GC cycle; 0 until such a cycle (the process's first GC has no cycle before it). Without
        // it, since= is the line's own time: found blocked, since when unknown.
        long since = _offsets.WaitSince is { } at && BinaryPrimitives.ReadInt64LittleEndian(fields[at..]) is > 0 and var waited && waited < ts ? waited : ts;

        // A channel operation's sudog (g.waiting), whose channel is read for all of a step at once (see WriteFound).
        ulong sudog = _channelWait[wait] && _offsets.Waiting is { } waiting ? BinaryPrimitives.ReadUInt64LittleEndian(fields[waiting..]) : 0;
        _found.Add(new Found(ts, g, reason, wait, goid, BinaryPrimitives.ReadUInt64LittleEndian(fields[_offsets.GoPc..]), startPc, since, sudog));
    }

    /// <summary>
    /// Appends to <paramref name="lines"/> the lines of the blocked goroutines the step found, in the order found, with
    /// <c>obj=</c>: for a channel operation, the channel's lock (<c>&amp;c.lock</c>, the lock argument chansend and
    /// chanrecv give gopark, the trace's <c>obj=</c> for a park on that channel), read through the sudog it waits in
    /// (<c>g.waiting.c</c>); 0 for any other wait, or when it cannot be read. The sudogs lie apart from each other:
    /// their channels are read with one system call for a thousand (<see cref="Posix.ReadWords"/>), where one read each
    /// made the snapshot three times as long.
    /// </summary>
    private void WriteFound(StringBuilder lines)
    {
        List<Found> found = _found;
        ulong[] objects = new ulong[found.Count];
        if (_offsets.SudogChannel is { } channelAt && _offsets.ChannelLock is { } lockAt && _offsets.SudogG is { } gAt)
        {
            // Each sudog's g and channel: a sudog the goroutine has left since its g was read (released, and the sudog
            // reused or freed) names another g, and its channel is not this goroutine's.
            int[] channels = [.. Enumerable.Range(0, found.Count).Where(i => found[i].Sudog != 0)];
            ulong[] fields = new ulong[channels.Length * 2];
            for (int i = 0; i < channels.Length; i++)
            {
                ulong sudog = found[channels[i]].Sudog;
                (fields[2 * i], fields[(2 * i) + 1]) = (sudog + (ulong)gAt, sudog + (ulong)channelAt + _channelWord);
            }

            ulong[] words = new ulong[fields.Length];
            if (Posix.ReadWords(_pid, fields, words) < 0)
            {
                // process_vm_readv refused (a sandbox's seccomp, an old kernel): one read of /proc/PID/mem each.
                Span<byte> word = stackalloc byte[8];
                for (int i = 0; i < fields.Length; i++)
                {
                    words[i] = TryRead(_memory, fields[i], word) ? BinaryPrimitives.ReadUInt64LittleEndian(word) : 0;
                }
            }

            for (int i = 0; i < channels.Length; i++)
            {
                ulong channel = words[(2 * i) + 1];
                objects[channels[i]] = words[2 * i] == found[channels[i]].G && channel != 0 ? channel + (ulong)lockAt : 0;
            }
        }

        for (int i = 0; i < found.Count; i++)
        {
            Found f = found[i];
            lines.Append(CultureInfo.InvariantCulture, $"gopark: ts={f.Ts} goroutine={f.G:x} reason={f.Reason} wait={f.Wait} obj={objects[i]:x} goid={f.GoId} ");
            lines.Append(CultureInfo.InvariantCulture, $"gopc=0x{f.Gopc:x} fn=0x{f.StartPc:x} creator=0x{f.Gopc:x} since={f.Since}\n");
        }

        found.Clear();
    }

    public void Dispose() => _memory.Dispose();

    /// <summary>
    /// Whether a goroutine starting at <paramref name="startPc"/> is one of the runtime's own, which Go's dumps leave out
    /// (<c>isSystemGoroutine</c>: a start function in package runtime other than <c>runtime.main</c>), such as the
    /// signal mask's <c>runtime.ensureSigM.func1</c>, blocked in a select for the program's life.
    /// </summary>
    private bool IsSystem(ulong startPc)
    {
        if (!_system.TryGetValue(startPc, out bool system))
        {
            string? name = _functionAt(startPc);
            system = name is not null && name.StartsWith("runtime.", StringComparison.Ordinal)
                && name is not ("runtime.main" or "runtime.corostart" or "runtime.handleAsyncEvent");
            _system[startPc] = system;
        }

        return system;
    }

    /// <summary>
    /// For each waitReason code, the trace numbering's code of the same wait when it is a blocking one (0 otherwise):
    /// the snapshot reads the waitReason, and the engine reads parks by the trace numbering.
    /// </summary>
    internal static byte[] TraceReasons(ReasonTable waits, ReasonTable trace)
    {
        var traceCodes = new Dictionary<string, byte>(StringComparer.Ordinal);
        for (int code = 1; code < 256; code++)
        {
            if (trace.IsKnown((byte)code))
            {
                traceCodes.TryAdd(trace.GetName((byte)code), (byte)code);
            }
        }

        byte[] map = new byte[256];
        for (int code = 1; code < 256; code++)
        {
            if (!waits.IsKnown((byte)code) || !waits.IsBlocking((byte)code))
            {
                continue;
            }

            string traced = waits.GetName((byte)code) switch
            {
                "chan receive (nil chan)" or "chan send (nil chan)" or "select (no cases)" => "forever",
                "sync.Cond.Wait" => "sync.(*Cond).Wait",
                "semacquire" or "sync.Mutex.Lock" or "sync.RWMutex.RLock" or "sync.RWMutex.Lock" or "sync.WaitGroup.Wait" => "sync",
                var name => name,
            };
            if (traceCodes.TryGetValue(traced, out byte mapped) && trace.IsBlocking(mapped))
            {
                map[code] = mapped;
            }
        }

        return map;
    }

    private static bool TryRead(SafeFileHandle memory, ulong address, Span<byte> buffer)
    {
        try
        {
            return address + (ulong)buffer.Length < long.MaxValue && RandomAccess.Read(memory, buffer, (long)address) == buffer.Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            // EIO for memory the process has not mapped; EACCES or EPERM once it has exited or changed hands.
            return false;
        }
    }

    /// <summary>A blocked goroutine a step found: what its line says, and the sudog of a channel operation (or 0).</summary>
    private readonly record struct Found(long Ts, ulong G, byte Reason, byte Wait, long GoId, ulong Gopc, ulong StartPc, long Since, ulong Sudog);
}

/// <summary>Where a process keeps what <see cref="GoroutineSnapshot"/> reads.</summary>
/// <param name="AllgLength">The address of <c>runtime.allglen</c>.</param>
/// <param name="AllgPointer">The address of <c>runtime.allgptr</c>.</param>
/// <param name="Probes">The entries of the probed functions whose breakpoints say the tracer is attached.</param>
/// <param name="Offsets">The g (and sudog, hchan) field offsets.</param>
/// <param name="FunctionAt">The function holding a pc, as symbolisers name it, or null.</param>
internal sealed record GoroutineLayout(ulong AllgLength, ulong AllgPointer, ulong[] Probes, GOffsets Offsets, Func<ulong, string?> FunctionAt);
