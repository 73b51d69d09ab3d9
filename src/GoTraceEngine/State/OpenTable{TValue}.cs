using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.ConstrainedExecution;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace GoTraceEngine.State;

// Entry* and sizeof(Entry) for a generic value: the constructor refuses values that contain references (CS8500 is the
// compiler's warning that it cannot prove this), so the entries can live in pinned or native memory.
#pragma warning disable CS8500

/// <summary>
/// An open-addressed hash table keyed by g pointer: linear probing over an array of inline entries, Fibonacci
/// (multiplicative) hashing mapped onto the slots by the high half of a multiply, and deletion by backward shift, so
/// churn leaves no tombstones.
/// </summary>
/// <remarks>
/// <para>Growth: while the entries fit in the last-level cache (under <see cref="TableMemory.DenseFromBytes"/>) the
/// table doubles at 1/2 load (or the load it was given): short probe runs, and the memory is small anyway. Past that,
/// where a table of a million goroutines spends its memory, it grows in steps of 1.5× and 4/3× (2^k, 3·2^(k-1),
/// 2^(k+1), …) at 2/3 load, so its load stays between 4/9 and 2/3 instead of 1/4 and 1/2: with 48-byte entries
/// 72–108 bytes per goroutine instead of 96–192 (1 M live: 1.5·2^20 slots, 75.5 B, against 2^21 slots, 100.7 B),
/// and a growth holds the old and new entries at once for at most 2.5× the old size instead of 3×.</para>
/// <para>Key 0 marks an empty slot: the runtime never hands out a g at address 0 and the parser rejects it.
/// After warm-up the only allocation is growth. Single writer; not thread-safe.</para>
/// <para>Memory (<see cref="TableMemoryKind"/>): the entries live at a fixed address, in a pinned managed array or in
/// native memory aligned to a cache line (on Linux by default in transparent huge pages). A reference returned by
/// <see cref="GetValueRefOrNullRef"/> or <see cref="GetValueRefOrAddDefault"/> is valid until the next add or remove
/// on the same table, as with <c>CollectionsMarshal</c>'s references into a <c>Dictionary</c>: growth frees native entries.</para>
/// <para>Prefetching: a pipeline that parses an event several lines before applying it calls <see cref="Prefetch"/> with
/// its g pointer when it is parsed, so the slot's cache line is on its way while the lines between are parsed and applied.</para>
/// <para>Hash flooding: the multiplicative hash is public, so g pointers can be chosen to collide (a crafted trace
/// file). An insert that probes more than <see cref="MaxProbes"/> slots switches the table, once, to a seeded
/// SplitMix64 finalizer with a per-table random seed and rehashes; colliding inputs then spread like any others, and
/// ordinary traces never pay for the stronger hash.</para>
/// </remarks>
internal sealed unsafe class OpenTable<TValue>
    where TValue : struct
{
    private const ulong Fibonacci = 0x9E3779B97F4A7C15UL;
    private const int MinCapacity = 16;

    /// <summary>Probes an insert may take before the table hardens its hash.</summary>
    public const int MaxProbes = 128;

    private readonly TableMemoryKind _memory;
    private readonly int _loadPercent;
    private Entry* _entries;
    private int _capacity;
    private Entry[]? _managed;
    private NativeBlock? _native;
    private readonly nuint _denseFromBytes;
    private int _count;
    private int _growAt;
    private bool _hardened;
    private bool _prefetch;
    private ulong _seed;
    private int _layout;

    /// <summary>Creates an empty table.</summary>
    /// <param name="initialCapacity">Slots to start with (rounded up to a power of two, at least 16).</param>
    /// <param name="memory">Where the entries live; <see cref="TableMemory.Default"/> when null.</param>
    /// <param name="loadPercent">The load at which the table doubles while it is small: 50 (the default) or up to 90.</param>
    /// <param name="denseFromBytes">
    /// The entry bytes from which the table grows in 1.5× and 4/3× steps at 2/3 load (or <paramref name="loadPercent"/>
    /// when higher); <see cref="TableMemory.DefaultDenseFromBytes"/> when null. 0 makes every step dense (tests);
    /// <see cref="nuint.MaxValue"/> keeps doubling.
    /// </param>
    public OpenTable(int initialCapacity = MinCapacity, TableMemoryKind? memory = null, int loadPercent = 50, nuint? denseFromBytes = null)
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<TValue>())
        {
            // Entries live outside the GC's view of references (pinned or native memory).
            throw new NotSupportedException("OpenTable values cannot contain references.");
        }

        _memory = memory ?? TableMemory.Default;
        _loadPercent = Math.Clamp(loadPercent, 10, 90);
        _denseFromBytes = denseFromBytes ?? TableMemory.DefaultDenseFromBytes;
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(MinCapacity, initialCapacity));
        Allocate(capacity, _memory);
    }

    public int Count => _count;

    public int Capacity => _capacity;

    /// <summary>
    /// Changes whenever the slots are replaced (the table grew, was released or cleared): an enumeration by slot that
    /// began under another layout would skip or repeat entries, or read past the slots.
    /// </summary>
    public int Layout => _layout;

    /// <summary>Whether <see cref="Release"/> gave the slots back (its engine was disposed).</summary>
    public bool IsReleased { get; private set; }

    /// <summary>Where the entries live.</summary>
    public TableMemoryKind Memory => _memory;

    /// <summary>Whether a flood of colliding keys switched the table to its seeded hash.</summary>
    public bool IsHardened => _hardened;

    /// <summary>Bytes held by the entries.</summary>
    public long AllocatedBytes => (long)_capacity * Unsafe.SizeOf<Entry>();

    /// <summary>The native block that holds the entries, or null in managed memory (for tests).</summary>
    internal NativeBlock? Native => _native;

    /// <summary>The address of the first entry (for tests: alignment, huge pages).</summary>
    internal nint EntriesAddress => (nint)_entries;

    /// <summary>
    /// Whether <see cref="Prefetch"/> does anything: the entries take at least <see cref="TableMemory.PrefetchFromBytes"/>
    /// (past the core's L2). Below that the slots are cached anyway and a prefetch only costs instructions (ApplyDelayBench:
    /// 10–25 % slower at 1 k live); a pipeline can also skip its delay ring while this is false.
    /// </summary>
    public bool IsPrefetchUseful => _prefetch;

    /// <summary>
    /// Starts loading the cache line(s) of <paramref name="key"/>'s home slot, and the next line when the entry there
    /// straddles two, without waiting for them: a hint, so it never faults and changes nothing. Call it when the
    /// event is parsed, and look the key up (or add or remove it) a few events later. Does nothing while the table is
    /// small enough to stay cached (<see cref="IsPrefetchUseful"/>) or on CPUs without SSE.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(ulong key)
    {
        if (Sse.IsSupported && _prefetch)
        {
            byte* slot = (byte*)(_entries + HomeIndex(key));
            Sse.Prefetch0(slot);
            if ((((nuint)slot & (TableMemory.CacheLine - 1)) + (nuint)sizeof(Entry)) > TableMemory.CacheLine)
            {
                Sse.Prefetch0(slot + TableMemory.CacheLine);
            }
        }
    }

    /// <summary>
    /// <see cref="Prefetch"/> for a change to the table: also the two cache lines after the home slot's, which the rest of
    /// the key's cluster occupies. A removal's backward shift reads them (and moves entries back), and an insertion
    /// probes them for a free slot; a lookup usually stops in the home line.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PrefetchCluster(ulong key)
    {
        if (Sse.IsSupported && _prefetch)
        {
            byte* slot = (byte*)(_entries + HomeIndex(key));
            Sse.Prefetch0(slot);
            Sse.Prefetch0(slot + TableMemory.CacheLine);
            Sse.Prefetch0(slot + (2 * TableMemory.CacheLine));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ContainsKey(ulong key) => !Unsafe.IsNullRef(ref GetValueRefOrNullRef(key));

    /// <summary>Returns a reference to the value of <paramref name="key"/>, or a null reference when absent.</summary>
    public ref TValue GetValueRefOrNullRef(ulong key)
    {
        Debug.Assert(key != 0);
        int capacity = _capacity;
        int i = HomeIndex(key);
        ref Entry first = ref Unsafe.AsRef<Entry>(_entries);
        while (true)
        {
            ref Entry entry = ref Unsafe.Add(ref first, i);
            if (entry.Key == key)
            {
                return ref entry.Value;
            }

            if (entry.Key == 0)
            {
                return ref Unsafe.NullRef<TValue>();
            }

            i = Next(i, capacity);
        }
    }

    /// <summary>Returns a reference to the value of <paramref name="key"/>, adding a default value first when absent.</summary>
    public ref TValue GetValueRefOrAddDefault(ulong key, out bool exists)
    {
        Debug.Assert(key != 0);
        if (_count >= _growAt)
        {
            Grow();
        }

        int capacity = _capacity;
        int i = HomeIndex(key);
        ref Entry first = ref Unsafe.AsRef<Entry>(_entries);
        int probes = 0;
        while (true)
        {
            ref Entry entry = ref Unsafe.Add(ref first, i);
            if (entry.Key == key)
            {
                exists = true;
                return ref entry.Value;
            }

            if (entry.Key == 0)
            {
                if (probes > MaxProbes && !_hardened)
                {
                    Harden();
                    return ref GetValueRefOrAddDefault(key, out exists);
                }

                entry.Key = key;
                entry.Value = default;
                _count++;
                exists = false;
                return ref entry.Value;
            }

            i = Next(i, capacity);
            probes++;
        }
    }

    /// <summary>Removes <paramref name="key"/> and shifts later entries of its cluster back, leaving no tombstone.</summary>
    public bool Remove(ulong key) => Remove(key, out _);

    /// <summary>Removes <paramref name="key"/>, returning its value, and shifts later entries of its cluster back.</summary>
    public bool Remove(ulong key, out TValue removed)
    {
        Debug.Assert(key != 0);
        int capacity = _capacity;
        int i = HomeIndex(key);
        ref Entry first = ref Unsafe.AsRef<Entry>(_entries);
        while (true)
        {
            ref Entry entry = ref Unsafe.Add(ref first, i);
            if (entry.Key == key)
            {
                break;
            }

            if (entry.Key == 0)
            {
                removed = default;
                return false;
            }

            i = Next(i, capacity);
        }

        removed = Unsafe.Add(ref first, i).Value;

        // Backward shift: move each later entry of the cluster into the hole unless that would put it before its home.
        int hole = i;
        int j = Next(i, capacity);
        while (true)
        {
            ref Entry candidate = ref Unsafe.Add(ref first, j);
            if (candidate.Key == 0)
            {
                break;
            }

            int home = HomeIndex(candidate.Key);
            if (Distance(home, j, capacity) >= Distance(hole, j, capacity))
            {
                Unsafe.Add(ref first, hole) = candidate;
                hole = j;
            }

            j = Next(j, capacity);
        }

        Unsafe.Add(ref first, hole) = default;
        _count--;
        return true;
    }

    public void Clear()
    {
        NativeMemory.Clear(_entries, (nuint)_capacity * (nuint)sizeof(Entry));
        _count = 0;
        _layout++;
    }

    /// <summary>Gets the entry at <paramref name="index"/> (0 ≤ index &lt; <see cref="Capacity"/>); its key is 0 when the slot is empty.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the table.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly Entry DangerousGetEntry(int index)
    {
        if ((uint)index >= (uint)_capacity)
        {
            ThrowIndexOutOfRange();
        }

        return ref _entries[index];
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowIndexOutOfRange() => throw new ArgumentOutOfRangeException("index");

    /// <summary>
    /// The slot a key hashes to: the high half of hash × capacity, which maps the 64-bit hash evenly onto any number of
    /// slots (Lemire's multiply-shift range reduction) and is the hash's top bits when the capacity is a power of two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int HomeIndex(ulong key)
    {
        ulong hash = _hardened ? Mix(key ^ _seed) : key * Fibonacci;
        return (int)Math.BigMul(hash, (ulong)(uint)_capacity, out _);
    }

    /// <summary>The slot after <paramref name="i"/>, wrapping at the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Next(int i, int capacity) => ++i == capacity ? 0 : i;

    /// <summary>How many slots forward <paramref name="to"/> is from <paramref name="from"/>, wrapping at the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Distance(int from, int to, int capacity) => to >= from ? to - from : to - from + capacity;

    /// <summary>SplitMix64's finalizer: every key bit affects every hash bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong h)
    {
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
        return h ^ (h >> 31);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Harden()
    {
        _hardened = true;
        _seed = (ulong)Random.Shared.NextInt64() | 1;
        Rehash(_capacity);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow() => Rehash(NextCapacity(_capacity));

    /// <summary>
    /// The capacity after <paramref name="capacity"/>: twice it while the entries are under the dense threshold, then
    /// 1.5× from a power of two and 4/3× from 3·2^(k-1), so dense capacities alternate between the two forms.
    /// </summary>
    private int NextCapacity(int capacity)
    {
        if (!IsDense(capacity))
        {
            return checked(capacity * 2);
        }

        return BitOperations.IsPow2(capacity) ? checked(capacity + (capacity / 2)) : checked(capacity / 3 * 4);
    }

    /// <summary>Whether a table of <paramref name="capacity"/> slots grows in the dense steps, at 2/3 load.</summary>
    private bool IsDense(int capacity) => (nuint)capacity * (nuint)sizeof(Entry) >= _denseFromBytes;

    /// <summary>The bytes of old slots given back to the system while they were copied into grown tables (for tests).</summary>
    internal long DiscardedBytes { get; private set; }

    private void Rehash(int capacity)
    {
        Entry* old = _entries;
        int oldCapacity = _capacity;
        NativeBlock? oldNative = _native;
        Entry[]? oldManaged = _managed;
        Allocate(capacity, _memory);
        Entry* entries = _entries;

        // The old entries are read in slot order, and a key's slot grows with its hash in both tables (the high half of
        // hash x capacity), so the new table fills front to back as the old one is read. The old pages already read go
        // back to the system as the copy goes, and the two tables are never both resident: at the last growth of a
        // million live goroutines that was 48 MB of peak RSS (72 MB of new slots beside the 48 MB of the old).
        NativeRegion oldRegion = oldNative?.Region ?? default;
        int discardEvery = oldRegion.Mapped ? Math.Max(1, TableMemory.HugePageSize / sizeof(Entry)) : int.MaxValue;
        int untilDiscard = discardEvery;
        nuint discarded = 0;
        for (int k = 0; k < oldCapacity; k++)
        {
            ref Entry entry = ref old[k];
            if (entry.Key != 0)
            {
                int i = HomeIndex(entry.Key);
                while (entries[i].Key != 0)
                {
                    i = Next(i, capacity);
                }

                entries[i] = entry;
            }

            if (--untilDiscard == 0)
            {
                untilDiscard = discardEvery;
                // Whole huge pages only (a mapped block starts on one): the entry that straddles the boundary is read.
                nuint read = ((nuint)(k + 1) * (nuint)sizeof(Entry)) & ~(nuint)(TableMemory.HugePageSize - 1);
                if (TableMemory.Discard(oldRegion, discarded, read - discarded))
                {
                    DiscardedBytes += (long)(read - discarded);
                }

                discarded = read;
            }
        }

        oldNative?.Free();
        GC.KeepAlive(oldManaged);
    }

    /// <summary>
    /// Empties the table and gives its entries' memory back now (a native block to the system) rather than when the
    /// table is collected. What is left is the smallest table, in managed memory: a reader still holding the table
    /// finds it empty instead of reading freed memory, and references into the old entries must not be used.
    /// </summary>
    public void Release()
    {
        NativeBlock? native = _native;
        _count = 0;
        IsReleased = true;
        Allocate(MinCapacity, TableMemoryKind.Managed);
        native?.Free();
    }

    /// <summary>Gives the table <paramref name="capacity"/> empty slots in <paramref name="memory"/> (the old ones, if any, are the caller's).</summary>
    private void Allocate(int capacity, TableMemoryKind memory)
    {
        nuint bytes = (nuint)capacity * (nuint)sizeof(Entry);
        if (memory == TableMemoryKind.Managed)
        {
            // Pinned, so the entries have an address; over-allocated by a cache line so that address can be aligned.
            int pad = (TableMemory.CacheLine + sizeof(Entry) - 1) / sizeof(Entry);
            Entry[] array = GC.AllocateArray<Entry>(capacity + pad, pinned: true);
            Entry* start = (Entry*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            int skip = 0;
            while (skip < pad && ((nuint)(start + skip) & (TableMemory.CacheLine - 1)) != 0)
            {
                skip++;
            }

            skip = skip == pad ? 0 : skip;
            _managed = array;
            _native = null;
            _entries = start + skip;
        }
        else
        {
            var block = new NativeBlock(TableMemory.AllocateNative(bytes, memory == TableMemoryKind.HugePages));
            _managed = null;
            _native = block;
            _entries = (Entry*)block.Address;
        }

        _capacity = capacity;
        _layout++;
        _prefetch = bytes >= TableMemory.PrefetchFromBytes;
        // Small tables double at 1/2 load by default: PipelineBench's apply stage ran 38% faster than at 3/4 (shorter
        // probe runs on misses), and a cached table's memory is small. Dense tables grow at 2/3: past it a miss's
        // expected probe run, (1 + 1/(1-a)^2)/2 slots, passes five (four cache lines of 48-byte entries).
        long growAt = (long)capacity * _loadPercent / 100;
        _growAt = (int)(IsDense(capacity) ? Math.Max(growAt, (long)capacity * 2 / 3) : growAt);
    }

    /// <summary>Native entries: freed when the table grows past them or is released (<see cref="Free"/>) or, at the latest, when the table is collected.</summary>
    /// <remarks>
    /// The block's bytes are reported to the GC as memory pressure while it is held. The engine allocates almost nothing
    /// managed after warm-up, so without it a process that replays one trace after another never collects, and every
    /// abandoned engine's tables stay mapped: replaying a trace of 1 M live goroutines in a loop held 2.4 GB after 18
    /// replays, and each replay took 1.9x as long on fresh memory as on memory given back and reused.
    /// </remarks>
    internal sealed class NativeBlock : CriticalFinalizerObject
    {
        private NativeRegion _region;

        public NativeBlock(NativeRegion region)
        {
            GC.AddMemoryPressure((long)region.Length);
            _region = region;
        }

        public void* Address => _region.Address;

        public NativeRegion Region => _region;

        /// <summary>Whether the block still holds its memory (for tests).</summary>
        public bool IsHeld => _region.Address != null;

        public void Free()
        {
            Release();
            GC.SuppressFinalize(this);
        }

        ~NativeBlock() => Release();

        private void Release()
        {
            NativeRegion region = _region;
            if (region.Address != null)
            {
                _region = default;
                TableMemory.Free(region);
                GC.RemoveMemoryPressure((long)region.Length);
            }
        }
    }

    /// <summary>One slot: key 0 means empty.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Entry
    {
        public ulong Key;
        public TValue Value;
    }
}
