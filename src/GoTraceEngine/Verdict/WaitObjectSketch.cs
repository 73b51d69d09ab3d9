using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GoTraceEngine.Verdict;

/// <summary>
/// Per-wait-object evidence in bounded memory: a 4-way set-associative cache keyed by the object's address (<c>obj=</c>),
/// each entry counting parks and releases on the object, the parks since its last release, and when that was. A new object evicts the
/// least recently touched entry of its set, so busy objects (a semaphore, a work queue) stay and one-off channels age
/// out. A lookup that misses means "no evidence", never "nothing was released". Allocated once; single writer.
/// </summary>
internal sealed class WaitObjectSketch
{
    private const int Ways = 4;

    private readonly Entry[] _entries;
    private readonly int _setMask;

    public WaitObjectSketch(int entries)
    {
        int sets = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(Ways, entries) / Ways);
        _entries = new Entry[sets * Ways];
        _setMask = sets - 1;
    }

    /// <summary>Objects the sketch can hold.</summary>
    public int Capacity => _entries.Length;

    /// <summary>Entries evicted to make room: the sketch forgot that many objects.</summary>
    public long Evictions { get; private set; }

    /// <summary>Counts a park on <paramref name="obj"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnPark(ulong obj, long now)
    {
        ref Entry entry = ref GetOrAdd(obj, now);
        entry.ParksSinceRelease++;
        entry.LastTouch = now;
    }

    /// <summary>Counts a release of a goroutine that had parked on <paramref name="obj"/>.</summary>
    /// <returns>When the object released a goroutine before this one (<see cref="long.MinValue"/>: never, or forgotten).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long OnRelease(ulong obj, long now)
    {
        ref Entry entry = ref GetOrAdd(obj, now);
        long previous = entry.LastRelease;
        entry.Releases++;
        entry.ParksSinceRelease = 0;
        entry.LastRelease = now;
        entry.LastTouch = now;
        return previous;
    }

    /// <summary>What the sketch remembers of <paramref name="obj"/>.</summary>
    /// <param name="obj">The object's address.</param>
    /// <param name="parksSinceRelease">Parks on it since its last release (since it was first remembered, if none).</param>
    /// <param name="releases">Releases from it.</param>
    /// <param name="lastRelease">When it last released a goroutine (<see cref="long.MinValue"/>: never).</param>
    /// <returns><see langword="false"/> when it does not remember the object (never seen, or evicted).</returns>
    public bool TryGet(ulong obj, out long parksSinceRelease, out long releases, out long lastRelease)
    {
        int set = SetOf(obj);
        for (int way = 0; way < Ways; way++)
        {
            ref Entry entry = ref _entries[set + way];
            if (entry.Obj == obj)
            {
                parksSinceRelease = entry.ParksSinceRelease;
                releases = entry.Releases;
                lastRelease = entry.LastRelease;
                return true;
            }
        }

        parksSinceRelease = 0;
        releases = 0;
        lastRelease = long.MinValue;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Entry GetOrAdd(ulong obj, long now)
    {
        int set = SetOf(obj);
        ref Entry first = ref _entries[set];
        int victim = 0;
        long oldest = long.MaxValue;
        for (int way = 0; way < Ways; way++)
        {
            ref Entry entry = ref Unsafe.Add(ref first, way);
            if (entry.Obj == obj)
            {
                return ref entry;
            }

            long touch = entry.Obj == 0 ? long.MinValue : entry.LastTouch;
            if (touch < oldest)
            {
                oldest = touch;
                victim = way;
            }
        }

        ref Entry slot = ref Unsafe.Add(ref first, victim);
        if (slot.Obj != 0)
        {
            Evictions++;
        }

        slot = default;
        slot.Obj = obj;
        slot.LastRelease = long.MinValue;
        slot.LastTouch = now;
        return ref slot;
    }

    /// <summary>Addresses are aligned: mix before taking the set bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int SetOf(ulong obj) => ((int)((obj * 0x9E3779B97F4A7C15UL) >> 40) & _setMask) * Ways;

    [StructLayout(LayoutKind.Auto)]
    private struct Entry
    {
        public ulong Obj;
        public long LastRelease;
        public long LastTouch;
        public int ParksSinceRelease;
        public int Releases;
    }
}
