using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace GoTraceEngine.State;

/// <summary>
/// A goroutine table in two parts: a hot index (an <see cref="OpenTable{TValue}"/> of 16-byte entries, g pointer →
/// record number) and the records themselves, dense (one per live goroutine, in chunks, freed numbers reused). Memory
/// per goroutine is the index's 24–36 B (at its dense growth's 4/9 to 2/3 load) plus the record: at 1 M live goroutines
/// of 40-byte <see cref="LiveValue"/>s, 25.2 MB + 40.6 MB ≈ 66 B each, against 75.5 B for the inline table.
/// </summary>
/// <remarks>
/// <para>The cost is a second, dependent cache miss per lookup (index, then record). A pipeline that parses ahead hides
/// both in two stages: <see cref="Prefetch"/> when the event is parsed (the index line), <see cref="PrefetchValue"/>
/// some events later (the index line has arrived: the record's address is known), the lookup later still.</para>
/// <para>Same contract as <see cref="OpenTable{TValue}"/>: references are valid until the next add or remove; hash
/// flooding hardens the index; single writer, not thread-safe.</para>
/// </remarks>
internal sealed class SplitTable<TValue>
    where TValue : struct
{
    private const int ChunkShift = 14;
    private const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;

    private readonly OpenTable<int> _index;
    private TValue[][] _chunks = [];
    private int[] _free = new int[16];
    private int _freeCount;
    private int _next;

    public SplitTable(int initialCapacity = 16, TableMemoryKind? memory = null) => _index = new OpenTable<int>(initialCapacity, memory);

    public int Count => _index.Count;

    /// <summary>Slots of the index.</summary>
    public int Capacity => _index.Capacity;

    public bool IsHardened => _index.IsHardened;

    /// <summary>Bytes held by the index, the record chunks and the free list.</summary>
    public long AllocatedBytes => _index.AllocatedBytes + ((long)_chunks.Length * ChunkSize * Unsafe.SizeOf<TValue>()) + ((long)_free.Length * sizeof(int));

    /// <summary>Stage 1: starts loading <paramref name="key"/>'s index line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(ulong key) => _index.Prefetch(key);

    /// <summary>Stage 2: looks <paramref name="key"/> up in the index (its line should have arrived) and starts loading its record.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void PrefetchValue(ulong key)
    {
        if (!_index.IsPrefetchUseful)
        {
            return;
        }

        ref int index = ref _index.GetValueRefOrNullRef(key);
        if (Sse.IsSupported && !Unsafe.IsNullRef(ref index))
        {
            byte* record = (byte*)Unsafe.AsPointer(ref Record(index));
            Sse.Prefetch0(record);
            if ((((nuint)record & (TableMemory.CacheLine - 1)) + (nuint)Unsafe.SizeOf<TValue>()) > TableMemory.CacheLine)
            {
                Sse.Prefetch0(record + TableMemory.CacheLine);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool ContainsKey(ulong key) => _index.ContainsKey(key);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref TValue GetValueRefOrNullRef(ulong key)
    {
        ref int index = ref _index.GetValueRefOrNullRef(key);
        return ref Unsafe.IsNullRef(ref index) ? ref Unsafe.NullRef<TValue>() : ref Record(index);
    }

    public ref TValue GetValueRefOrAddDefault(ulong key, out bool exists)
    {
        ref int index = ref _index.GetValueRefOrAddDefault(key, out exists);
        if (exists)
        {
            return ref Record(index);
        }

        index = Take();
        ref TValue value = ref Record(index);
        value = default;
        return ref value;
    }

    public bool Remove(ulong key) => Remove(key, out _);

    public bool Remove(ulong key, out TValue removed)
    {
        if (!_index.Remove(key, out int index))
        {
            removed = default;
            return false;
        }

        removed = Record(index);
        if (_freeCount == _free.Length)
        {
            Array.Resize(ref _free, _free.Length * 2);
        }

        _free[_freeCount++] = index;
        return true;
    }

    /// <summary>The key in index slot <paramref name="slot"/> (0 ≤ slot &lt; <see cref="Capacity"/>), 0 when empty.</summary>
    public ulong KeyAt(int slot) => _index.DangerousGetEntry(slot).Key;

    /// <summary>The record of the key in index slot <paramref name="slot"/>, which must not be empty.</summary>
    public ref TValue ValueAt(int slot)
    {
        ref readonly OpenTable<int>.Entry entry = ref _index.DangerousGetEntry(slot);
        Debug.Assert(entry.Key != 0);
        return ref Record(entry.Value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref TValue Record(int index)
    {
        TValue[] chunk = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_chunks), index >> ChunkShift);
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(chunk), index & ChunkMask);
    }

    /// <summary>A record number: the most recently freed (its line is likely cached: its destroy just read it), else a new one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Take()
    {
        if (_freeCount > 0)
        {
            return _free[--_freeCount];
        }

        if ((_next >> ChunkShift) == _chunks.Length)
        {
            AddChunk();
        }

        return _next++;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddChunk()
    {
        if (_chunks.Length >= (int.MaxValue >> ChunkShift))
        {
            ThrowFull();
        }

        TValue[][] chunks = new TValue[_chunks.Length + 1][];
        _chunks.AsSpan().CopyTo(chunks);
        chunks[^1] = new TValue[ChunkSize];
        _chunks = chunks;
    }

    [DoesNotReturn]
    private static void ThrowFull() => throw new InvalidOperationException("SplitTable is full.");
}
