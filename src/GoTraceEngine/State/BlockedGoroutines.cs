namespace GoTraceEngine.State;

/// <summary>A read-only view of the blocked table: live goroutines parked with a blocking reason.</summary>
/// <remarks>The view reads the engine's table directly: use it between feeds, from the thread that feeds the engine.</remarks>
public readonly struct BlockedGoroutines
{
    private readonly OpenTable<BlockedValue> _table;

    internal BlockedGoroutines(OpenTable<BlockedValue> table) => _table = table;

    /// <summary>The number of blocked goroutines.</summary>
    public int Count => _table.Count;

    /// <summary>Looks up a blocked goroutine by g pointer.</summary>
    /// <param name="gPointer">The address of its <c>g</c> struct.</param>
    /// <param name="record">The goroutine, when blocked.</param>
    /// <returns><see langword="true"/> when the goroutine is blocked.</returns>
    public bool TryGet(ulong gPointer, out BlockedGoroutine record)
    {
        if (gPointer != 0)
        {
            ref BlockedValue value = ref _table.GetValueRefOrNullRef(gPointer);
            if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref value))
            {
                record = BlockedGoroutine.From(gPointer, value);
                return true;
            }
        }

        record = default;
        return false;
    }

    /// <summary>Enumerates the blocked goroutines in table order (not park order), without allocating.</summary>
    /// <returns>A struct enumerator.</returns>
    public Enumerator GetEnumerator() => new(_table);

    /// <summary>Enumerates blocked goroutines.</summary>
    public struct Enumerator
    {
        private readonly OpenTable<BlockedValue> _table;
        private int _index;

        internal Enumerator(OpenTable<BlockedValue> table)
        {
            _table = table;
            _index = -1;
        }

        /// <summary>The current goroutine.</summary>
        public readonly BlockedGoroutine Current
        {
            get
            {
                ref readonly OpenTable<BlockedValue>.Entry entry = ref _table.DangerousGetEntry(_index);
                return BlockedGoroutine.From(entry.Key, entry.Value);
            }
        }

        /// <summary>Moves to the next goroutine.</summary>
        /// <returns><see langword="false"/> at the end.</returns>
        public bool MoveNext()
        {
            int capacity = _table.Capacity;
            while (++_index < capacity)
            {
                if (_table.DangerousGetEntry(_index).Key != 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
