using System.Runtime.CompilerServices;

namespace GoTraceEngine.Verdict;

/// <summary>
/// The verdict's groups: an open-addressed map from (start function, creator, reason) to a dense index into an array of
/// <see cref="VerdictGroup"/>. Bounded: past <see cref="MaxGroups"/> distinct keys every new key shares the overflow group
/// (index 0), so memory stays bounded on hostile input. Grows by doubling (the only allocation); single writer.
/// </summary>
internal sealed class VerdictGroupTable
{
    /// <summary>The index shared by keys that arrived after the table was full.</summary>
    public const int OverflowGroup = 0;

    private readonly int _maxGroups;
    private int[] _slots;
    private VerdictGroup[] _groups;
    private int _count;

    public VerdictGroupTable(int initialGroups, int maxGroups)
    {
        _maxGroups = Math.Max(2, maxGroups);
        int capacity = (int)Math.Min(1 << 30, Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, initialGroups) * 2)));
        _slots = new int[capacity];
        _groups = new VerdictGroup[Math.Max(4, initialGroups)];
        _count = 1;
        Init(ref _groups[OverflowGroup], -1, -1, 0);
    }

    /// <summary>Groups in use, the overflow group included.</summary>
    public int Count => _count;

    /// <summary>The most distinct keys kept before new keys share the overflow group.</summary>
    public int MaxGroups => _maxGroups;

    /// <summary>Whether keys were folded into the overflow group.</summary>
    public bool Overflowed => _groups[OverflowGroup].Parks > 0;

    /// <summary>The group at <paramref name="index"/>, by reference.</summary>
    public ref VerdictGroup this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _groups[index];
    }

    /// <summary>The index of a key's group, adding it when new (or the overflow group when the table is full).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetOrAdd(int startFunction, int creator, byte reason, long now)
    {
        int mask = _slots.Length - 1;
        int slot = Hash(startFunction, creator, reason) & mask;
        while (true)
        {
            int index = _slots[slot];
            if (index == 0)
            {
                return Add(slot, startFunction, creator, reason, now);
            }

            ref VerdictGroup group = ref _groups[index];
            if (group.StartFunction == startFunction && group.Creator == creator && group.Reason == reason)
            {
                return index;
            }

            slot = (slot + 1) & mask;
        }
    }

    /// <summary>The index of a key's group, or -1 when the table never saw it.</summary>
    public int Find(int startFunction, int creator, byte reason)
    {
        int mask = _slots.Length - 1;
        int slot = Hash(startFunction, creator, reason) & mask;
        while (true)
        {
            int index = _slots[slot];
            if (index == 0)
            {
                return -1;
            }

            ref VerdictGroup group = ref _groups[index];
            if (group.StartFunction == startFunction && group.Creator == creator && group.Reason == reason)
            {
                return index;
            }

            slot = (slot + 1) & mask;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int Add(int slot, int startFunction, int creator, byte reason, long now)
    {
        if (_count >= _maxGroups)
        {
            return OverflowGroup;
        }

        if (_count == _groups.Length)
        {
            Array.Resize(ref _groups, Math.Min(_maxGroups, _groups.Length * 2));
        }

        int index = _count++;
        Init(ref _groups[index], startFunction, creator, reason);
        _groups[index].FirstPark = now;
        _groups[index].EpochStart = now;
        _slots[slot] = index;
        if (_count * 2 > _slots.Length)
        {
            Rehash(_slots.Length * 2);
        }

        return index;
    }

    private void Rehash(int capacity)
    {
        var slots = new int[capacity];
        int mask = capacity - 1;
        for (int index = 1; index < _count; index++)
        {
            ref VerdictGroup group = ref _groups[index];
            int slot = Hash(group.StartFunction, group.Creator, group.Reason) & mask;
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            slots[slot] = index;
        }

        _slots = slots;
    }

    private static void Init(ref VerdictGroup group, int startFunction, int creator, byte reason)
    {
        group = default;
        group.StartFunction = startFunction;
        group.Creator = creator;
        group.Reason = reason;
        group.FirstPark = long.MinValue;
        group.LastPark = long.MinValue;
        group.FirstRelease = long.MinValue;
        group.LastRelease = long.MinValue;
        group.PreviousFloor = -1;
    }

    /// <summary>Function ids are small dense integers: mix them so that neighbouring ids spread over the table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(int startFunction, int creator, byte reason)
    {
        ulong key = ((ulong)(uint)startFunction << 32) | (((ulong)(uint)creator << 8) ^ reason);
        return (int)((key * 0x9E3779B97F4A7C15UL) >> 33);
    }
}
