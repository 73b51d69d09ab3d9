using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GoTraceEngine.State;

/// <summary>
/// An open-addressed hash table keyed by g pointer: linear probing over a power-of-two array of inline entries,
/// Fibonacci (multiplicative) hashing, growth at 1/2 load, and deletion by backward shift, so churn leaves no tombstones.
/// </summary>
/// <remarks>
/// <para>Key 0 marks an empty slot: the runtime never hands out a g at address 0 and the parser rejects it.
/// After warm-up the only allocation is growth. Single writer; not thread-safe.</para>
/// <para>Hash flooding: the multiplicative hash is public, so g pointers can be chosen to collide (a crafted trace
/// file). An insert that probes more than <see cref="MaxProbes"/> slots switches the table, once, to a seeded
/// SplitMix64 finalizer with a per-table random seed and rehashes; colliding inputs then spread like any others, and
/// ordinary traces never pay for the stronger hash.</para>
/// </remarks>
internal sealed class OpenTable<TValue>
    where TValue : struct
{
    private const ulong Fibonacci = 0x9E3779B97F4A7C15UL;
    private const int MinCapacity = 16;

    /// <summary>Probes an insert may take before the table hardens its hash.</summary>
    public const int MaxProbes = 128;

    private Entry[] _entries;
    private int _count;
    private int _shift;
    private int _growAt;
    private bool _hardened;
    private ulong _seed;

    public OpenTable(int initialCapacity = MinCapacity)
    {
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(MinCapacity, initialCapacity));
        _entries = new Entry[capacity];
        SetCapacity(capacity);
    }

    public int Count => _count;

    public int Capacity => _entries.Length;

    /// <summary>Whether a flood of colliding keys switched the table to its seeded hash.</summary>
    public bool IsHardened => _hardened;

    /// <summary>Bytes held by the entry array.</summary>
    public long AllocatedBytes => (long)_entries.Length * Unsafe.SizeOf<Entry>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ContainsKey(ulong key) => !Unsafe.IsNullRef(ref GetValueRefOrNullRef(key));

    /// <summary>Returns a reference to the value of <paramref name="key"/>, or a null reference when absent.</summary>
    public ref TValue GetValueRefOrNullRef(ulong key)
    {
        Debug.Assert(key != 0);
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        int i = HomeIndex(key, _shift);
        ref Entry first = ref MemoryMarshal.GetArrayDataReference(entries);
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

            i = (i + 1) & mask;
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

        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        int i = HomeIndex(key, _shift);
        ref Entry first = ref MemoryMarshal.GetArrayDataReference(entries);
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

            i = (i + 1) & mask;
            probes++;
        }
    }

    /// <summary>Removes <paramref name="key"/> and shifts later entries of its cluster back, leaving no tombstone.</summary>
    public bool Remove(ulong key) => Remove(key, out _);

    /// <summary>Removes <paramref name="key"/>, returning its value, and shifts later entries of its cluster back.</summary>
    public bool Remove(ulong key, out TValue removed)
    {
        Debug.Assert(key != 0);
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        int shift = _shift;
        int i = HomeIndex(key, shift);
        ref Entry first = ref MemoryMarshal.GetArrayDataReference(entries);
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

            i = (i + 1) & mask;
        }

        removed = Unsafe.Add(ref first, i).Value;

        // Backward shift: move each later entry of the cluster into the hole unless that would put it before its home.
        int hole = i;
        int j = (i + 1) & mask;
        while (true)
        {
            ref Entry candidate = ref Unsafe.Add(ref first, j);
            if (candidate.Key == 0)
            {
                break;
            }

            int home = HomeIndex(candidate.Key, shift);
            if (((j - home) & mask) >= ((j - hole) & mask))
            {
                Unsafe.Add(ref first, hole) = candidate;
                hole = j;
            }

            j = (j + 1) & mask;
        }

        Unsafe.Add(ref first, hole) = default;
        _count--;
        return true;
    }

    public void Clear()
    {
        Array.Clear(_entries);
        _count = 0;
    }

    /// <summary>Gets the entry at <paramref name="index"/> (0 ≤ index &lt; <see cref="Capacity"/>); its key is 0 when the slot is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly Entry DangerousGetEntry(int index) => ref _entries[index];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int HomeIndex(ulong key, int shift) => _hardened ? (int)(Mix(key ^ _seed) >> shift) : (int)((key * Fibonacci) >> shift);

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
        Rehash(_entries.Length);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow() => Rehash(_entries.Length * 2);

    private void Rehash(int capacity)
    {
        Entry[] old = _entries;
        var entries = new Entry[capacity];
        int mask = entries.Length - 1;
        int shift = 64 - BitOperations.Log2((uint)entries.Length);
        foreach (ref readonly Entry entry in old.AsSpan())
        {
            if (entry.Key == 0)
            {
                continue;
            }

            int i = HomeIndex(entry.Key, shift);
            while (entries[i].Key != 0)
            {
                i = (i + 1) & mask;
            }

            entries[i] = entry;
        }

        _entries = entries;
        SetCapacity(entries.Length);
    }

    private void SetCapacity(int capacity)
    {
        _shift = 64 - BitOperations.Log2((uint)capacity);
        // Growth at 1/2 load: PipelineBench's apply stage ran 38% faster than at 3/4 (shorter probe runs on misses,
        // which every ready and destroy of an unblocked goroutine makes in the blocked table's sibling lookups).
        _growAt = capacity / 2;
    }

    /// <summary>One slot: key 0 means empty.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Entry
    {
        public ulong Key;
        public TValue Value;
    }
}
